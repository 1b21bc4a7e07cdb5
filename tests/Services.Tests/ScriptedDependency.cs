using Grpc.Core;
using Grpc.Core.Interceptors;
using NutritionAspire.Contracts.Imc;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// A dependency in memory whose every call is answered by <see cref="Answer"/>, reached through a
/// <see cref="DependencyResilience"/>'s interceptor as a real client reaches it. Counts the calls that reach it.
/// </summary>
public sealed class ScriptedDependency(DependencyResilience resilience) : CallInvoker
{
    private int _calls;

    /// <summary>Answers one call (given its options) with a response or a failed task.</summary>
    public Func<CallOptions, Task<Response>> Answer { get; set; } = _ => Task.FromResult(new Response());

    /// <summary>Calls that reached the dependency (each attempt counts).</summary>
    public int Calls => Volatile.Read(ref _calls);

    public IMCService.IMCServiceClient Client => new(this.Intercept(resilience.Interceptor));

    public static Task<Response> Answering() => Task.FromResult(new Response { Imc = 1 });

    public static Task<Response> Failing(StatusCode code, string detail = "no") => Task.FromException<Response>(new RpcException(new Status(code, detail)));

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Interlocked.Increment(ref _calls);
        var response = AnswerAsync<TResponse>(options);
        return new AsyncUnaryCall<TResponse>(
            response,
            Task.FromResult(new Metadata()),
            () => response.Exception?.InnerException is RpcException failure ? failure.Status : Status.DefaultSuccess,
            () => response.Exception?.InnerException is RpcException failure ? failure.Trailers : [],
            static () => { });
    }

    private async Task<TResponse> AnswerAsync<TResponse>(CallOptions options) => (TResponse)(object)await Answer(options);

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();
}
