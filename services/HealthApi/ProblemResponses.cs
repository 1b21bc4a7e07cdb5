namespace NutritionAspire.HealthApi;

/// <summary>
/// Every error answer is an RFC 9457 problem body, including those no endpoint writes: an unknown route (404), a
/// wrong method (405, keeping <c>Allow</c>) and an unexpected exception (500, which must not happen; and a client that
/// went away is logged below Error and answered 499).
/// </summary>
internal static class ProblemResponses
{
    public static WebApplicationBuilder AddProblemResponses(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static WebApplication UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
