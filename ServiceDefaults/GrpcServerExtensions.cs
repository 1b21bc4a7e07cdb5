using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NutritionAspire.Contracts;

namespace Microsoft.Extensions.Hosting;

/// <summary>The server side every gRPC service shares.</summary>
public static class GrpcServerExtensions
{
    public static TBuilder AddGrpcServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<InvalidInputInterceptor>();
            options.EnableDetailedErrors = builder.Environment.IsDevelopment();
        });
        builder.Services.AddGrpcHealthChecks();
        return builder;
    }

    /// <summary>
    /// Maps <c>grpc.health.v1.Health</c> (for Kubernetes <c>grpc</c> probes), <c>GET /healthz</c> (200 <c>ok</c>)
    /// and <c>/metrics</c>.
    /// </summary>
    public static WebApplication MapGrpcServiceDefaults(this WebApplication app)
    {
        app.MapDefaultEndpoints();
        app.MapGrpcHealthChecksService();
        app.MapHealthEndpoint("/healthz", report => report.Status == HealthStatus.Healthy
            ? Results.Text("ok")
            : Results.Text("unhealthy", statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }

    /// <summary>Turns a broken input rule into INVALID_ARGUMENT with a message that names the field.</summary>
    private sealed class InvalidInputInterceptor : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            try
            {
                return await continuation(request, context);
            }
            catch (InvalidInputException exception)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, exception.Message));
            }
        }
    }
}
