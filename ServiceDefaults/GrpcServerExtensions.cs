using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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
            options.Interceptors.Add<ServerCallInterceptor>();
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

    /// <summary>
    /// Turns a broken input rule into INVALID_ARGUMENT with a message that names the field, and labels the call's
    /// <c>http.server.request.duration</c> with its gRPC status (<c>rpc.grpc.status_code</c>) for error-rate queries.
    /// </summary>
    private sealed class ServerCallInterceptor : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            var status = StatusCode.Unknown;
            try
            {
                var response = await continuation(request, context);
                status = StatusCode.OK;
                return response;
            }
            catch (InvalidInputException exception)
            {
                status = StatusCode.InvalidArgument;
                throw new RpcException(new Status(status, exception.Message));
            }
            catch (RpcException exception)
            {
                status = exception.StatusCode;
                throw;
            }
            finally
            {
                context.GetHttpContext().Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(new("rpc.grpc.status_code", (int)status));
            }
        }
    }
}
