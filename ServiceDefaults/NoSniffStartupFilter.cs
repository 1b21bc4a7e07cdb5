using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// <c>X-Content-Type-Options: nosniff</c> on every answer, so a browser never guesses a content type (a problem body
/// echoes client input). Set when the response starts, so error handlers that clear headers do not drop it.
/// </summary>
internal sealed class NoSniffStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(static (context, nextMiddleware) =>
        {
            context.Response.OnStarting(static state =>
            {
                ((HttpResponse)state).Headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            }, context.Response);
            return nextMiddleware(context);
        });
        next(app);
    };
}
