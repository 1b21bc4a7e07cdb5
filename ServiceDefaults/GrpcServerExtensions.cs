using System.Diagnostics.CodeAnalysis;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NutritionAspire;
using NutritionAspire.ServiceDefaults;
using OpenTelemetry;
using ProtoServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Microsoft.Extensions.Hosting;

/// <summary>The server side every gRPC service shares (docs/contract.md §2).</summary>
public static class GrpcServerExtensions
{
    /// <summary>
    /// gRPC with broken input rules answered as INVALID_ARGUMENT, method paths matched exactly, and
    /// <c>grpc.health.v1</c> answering for <c>""</c> and for <paramref name="service"/>'s full name (such as
    /// <c>bmr.BMRService</c>) with the app's health, so a Kubernetes <c>grpc</c> probe may name the service.
    /// </summary>
    public static TBuilder AddGrpcServiceDefaults<TBuilder>(this TBuilder builder, ProtoServiceDescriptor service)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<InvalidInputInterceptor>();
            options.EnableDetailedErrors = builder.Environment.IsDevelopment();
            options.MaxReceiveMessageSize = GrpcInputGuards.MaxMessageBytes;
            options.CompressionProviders = GrpcInputGuards.CompressionProviders();
        });
        builder.Services.AddGrpcHealthChecks(options => options.Services.Map(service.FullName, _ => true));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ExactGrpcPathPolicy>());
        return builder;
    }

    /// <summary>
    /// Maps <typeparamref name="TService"/> through its generated <c>BindService</c>, with one instance for all calls,
    /// and answers a request payload that is not a valid message with INVALID_ARGUMENT. (grpc-dotnet deserializes
    /// before any interceptor runs and reports a parse failure as UNKNOWN with an error log; wrapping the request
    /// marshaller is the one place that sees it.)
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapStrictGrpcService<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TService>(
        this WebApplication app, Func<TService, ServerServiceDefinition> bindService) where TService : class =>
        app.MapGrpcService(services =>
            MalformedRequestBinder.Rebind(bindService(ActivatorUtilities.GetServiceOrCreateInstance<TService>(services))));

    /// <summary>
    /// Maps <c>grpc.health.v1.Health</c> (for Kubernetes <c>grpc</c> probes), <c>GET /healthz</c> (200 <c>ok</c>)
    /// and <c>/metrics</c>, labels each gRPC call's <c>http.server.request.duration</c> with its final status
    /// (<c>rpc.grpc.status_code</c>) for error-rate queries, and puts <see cref="GrpcInputGuards"/> in front of every
    /// gRPC method.
    /// </summary>
    public static WebApplication MapGrpcServiceDefaults(this WebApplication app)
    {
        app.Use(TagGrpcStatusAsync);
        app.Use(GrpcInputGuards.GuardAsync);
        app.MapDefaultEndpoints();
        app.MapGrpcHealthChecksService();
        app.MapHealthEndpoint("/healthz", report => report.Status == HealthStatus.Healthy
            ? Results.Text("ok")
            : Results.Text("unhealthy", statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }

    /// <summary>
    /// Before the service reports ready, makes <paramref name="call"/> to its own gRPC endpoint (the Kestrel endpoint
    /// named <c>grpc</c>) through its whole pipeline (<see cref="WarmUp"/>), with an unsampled trace context.
    /// </summary>
    public static TBuilder AddGrpcWarmUp<TBuilder>(this TBuilder builder, Func<CallInvoker, CallOptions, Task> call)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        builder.Services.AddSingleton(new WarmUpRequest(
            async (address, cancellationToken) =>
            {
                using var suppressed = SuppressInstrumentationScope.Begin();
                using var channel = GrpcChannel.ForAddress(address);
                var headers = new Metadata { { "traceparent", WarmUp.UnsampledTraceParent() } };
                await call(channel.CreateCallInvoker(), new CallOptions(headers, DateTime.UtcNow + WarmUp.Limit, cancellationToken));
            },
            addresses => configuration[$"Kestrel:Endpoints:{ResourceNames.GrpcEndpoint}:Url"] is { } url
                && BindingPort(url) is { } port
                    ? addresses.FirstOrDefault(address => address.Port == port)
                    : null));
        return builder;
    }

    /// <summary>The port of a Kestrel endpoint URL such as <c>http://*:30000</c>, which <see cref="Uri"/> does not parse.</summary>
    private static int? BindingPort(string url) =>
        int.TryParse(url[(url.LastIndexOf(':') + 1)..].TrimEnd('/'), System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : null;

    private static readonly object[] s_statusCodeTags = [.. Enum.GetValues<StatusCode>().Select(code => (object)(int)code)];

    /// <summary>
    /// Reads the status after the call has ended, so malformed payloads and deadlines (which no interceptor sees) are
    /// labelled too, and calls <see cref="GrpcInputGuards"/> refused before grpc-dotnet saw them (from their header).
    /// </summary>
    private static async Task TagGrpcStatusAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        if (context.Features.Get<IHttpMetricsTagsFeature>() is not { } metrics)
        {
            return;
        }

        int? code = context.Features.Get<IServerCallContextFeature>() is { } call ? (int)call.ServerCallContext.Status.StatusCode
            : int.TryParse(context.Response.Headers["grpc-status"], System.Globalization.CultureInfo.InvariantCulture, out var refused) ? refused
            : null;
        if (code is { } status)
        {
            metrics.Tags.Add(new("rpc.grpc.status_code", status >= 0 && status < s_statusCodeTags.Length ? s_statusCodeTags[status] : status));
        }
    }

    /// <summary>
    /// Turns a broken input rule into INVALID_ARGUMENT with the rule's message, which names the fields, and the fields
    /// as standard error details, which a caller can map to its own fields.
    /// </summary>
    private sealed class InvalidInputInterceptor : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            Task<TResponse> call;
            try
            {
                call = continuation(request, context);
            }
            catch (InvalidInputException exception)
            {
                throw InvalidArgument(exception);
            }

            return call.IsCompletedSuccessfully ? call : AwaitAsync(call);

            static async Task<TResponse> AwaitAsync(Task<TResponse> call)
            {
                try
                {
                    return await call;
                }
                catch (InvalidInputException exception)
                {
                    throw InvalidArgument(exception);
                }
            }
        }

        private static RpcException InvalidArgument(InvalidInputException exception) =>
            FieldViolations.InvalidArgument(exception.Message, exception.Fields);
    }

    /// <summary>
    /// Rebinds a service definition with request marshallers that turn a parse failure into INVALID_ARGUMENT; the
    /// message says what could not be read and quotes none of the payload.
    /// </summary>
    private sealed class MalformedRequestBinder : ServiceBinderBase
    {
        private readonly ServerServiceDefinition.Builder _builder = ServerServiceDefinition.CreateBuilder();

        public static ServerServiceDefinition Rebind(ServerServiceDefinition definition)
        {
            var binder = new MalformedRequestBinder();
            definition.BindService(binder);
            return binder._builder.Build();
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            _builder.AddMethod(Strict(method), handler ?? throw new ArgumentNullException(nameof(handler)));

        private static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
        {
            var deserialize = method.RequestMarshaller.ContextualDeserializer;
            var requestName = typeof(TRequest).FullName;
            var marshaller = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
            {
                try
                {
                    return deserialize(context);
                }
                catch (Exception exception) when (exception is Google.Protobuf.InvalidProtocolBufferException or ArgumentException)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument,
                        $"The request payload is not a valid {requestName} message: {exception.Message}"));
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
        }
    }

    /// <summary>
    /// Routing compares literal segments case-insensitively; gRPC and Cilium's L7 rules compare method paths exactly.
    /// A gRPC method endpoint only matches its exact path, so <c>/bmr.bmrservice/sayhello</c> is UNIMPLEMENTED.
    /// </summary>
    private sealed class ExactGrpcPathPolicy : MatcherPolicy, IEndpointSelectorPolicy
    {
        public override int Order => 0;

        public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
            endpoints.Any(endpoint => endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is not null);

        public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
        {
            for (var i = 0; i < candidates.Count; i++)
            {
                if (candidates.IsValidCandidate(i)
                    && candidates[i].Endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is { } grpc
                    && !string.Equals(httpContext.Request.Path.Value, grpc.Method.FullName, StringComparison.Ordinal))
                {
                    candidates.SetValidity(i, false);
                }
            }

            return Task.CompletedTask;
        }
    }
}
