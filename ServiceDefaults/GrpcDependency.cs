using System.Globalization;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// One gRPC dependency: a long-lived channel to it and a circuit breaker in front of the channel. Clients are built on
/// <see cref="CallInvoker"/>, so every call passes the breaker.
/// </summary>
public sealed class GrpcDependency : IDisposable
{
    public GrpcDependency(string name, Uri address, GrpcDependencyOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        Name = name;
        Channel = CreateChannel(address, options, loggerFactory);
        Breaker = new CircuitBreaker(options.CircuitBreakerFailures, options.CircuitBreakDuration, timeProvider);
        CallInvoker = Channel.Intercept(new CircuitBreakerInterceptor(name, Breaker));
    }

    /// <summary>The resource name, such as <c>bmr-grpc</c>.</summary>
    public string Name { get; }

    public GrpcChannel Channel { get; }

    public CircuitBreaker Breaker { get; }

    public CallInvoker CallInvoker { get; }

    public void Dispose() => Channel.Dispose();

    private static GrpcChannel CreateChannel(Uri address, GrpcDependencyOptions options, ILoggerFactory loggerFactory) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = options.ConnectTimeout,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                // Pings only while calls are in flight: grpc-go servers (the original's) allow a ping on an idle
                // connection at most every 5 minutes and answer more with GOAWAY too_many_pings.
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                KeepAlivePingDelay = options.KeepAlivePingDelay,
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            },
            LoggerFactory = loggerFactory,
            // No retry policy on the channel: DependencyCalls retries UNAVAILABLE itself, at no cost to a call that succeeds.
        });

    /// <summary>Puts every unary call (each attempt of a retried one) through the breaker and tells it how the call ended.</summary>
    private sealed class CircuitBreakerInterceptor(string dependency, CircuitBreaker breaker) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            if (!breaker.TryEnter(out var permit, out var retryAfter))
            {
                var status = new Status(StatusCode.Unavailable, string.Create(CultureInfo.InvariantCulture,
                    $"circuit open: {dependency} kept failing; calls are refused for {retryAfter.TotalSeconds:0.0} s more."));
                return new AsyncUnaryCall<TResponse>(
                    Task.FromException<TResponse>(new CircuitOpenException(status)), Task.FromResult(new Metadata()), () => status, () => [], static () => { });
            }

            var call = continuation(request, context);
            return new AsyncUnaryCall<TResponse>(
                ObserveAsync(call.ResponseAsync, permit), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
        }

        private async Task<TResponse> ObserveAsync<TResponse>(Task<TResponse> response, CircuitPermit permit)
        {
            try
            {
                var result = await response.ConfigureAwait(false);
                breaker.Succeeded(permit);
                return result;
            }
            catch (RpcException exception) when (exception.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Unavailable)
            {
                breaker.Failed(permit);
                throw;
            }
            catch (RpcException exception) when (exception.StatusCode is StatusCode.Cancelled)
            {
                breaker.Abandoned(permit);
                throw;
            }
            catch (RpcException)
            {
                breaker.Succeeded(permit);
                throw;
            }
            catch (OperationCanceledException)
            {
                breaker.Abandoned(permit);
                throw;
            }
        }
    }
}

/// <summary>A call the circuit breaker refused without trying it: UNAVAILABLE, and not worth another attempt.</summary>
public sealed class CircuitOpenException(Status status) : RpcException(status);
