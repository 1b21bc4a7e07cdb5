using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace NutritionAspire.Services.Tests;

/// <summary>
/// The gRPC protocol rules of docs/contract.md §2 that every service keeps: health by service name, exact method paths, and
/// malformed payloads answered as INVALID_ARGUMENT.
/// </summary>
public sealed class GrpcProtocolTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(HostedGrpcService.Resources), MemberType = typeof(HostedGrpcService))]
    public async Task TheHealthServiceAnswersForTheFullServiceNameAsForTheServer(string resource)
    {
        await using var service = HostedGrpcService.Start(resource);
        var health = new Health.HealthClient(service.Channel);

        var server = await health.CheckAsync(new() { Service = "" }, cancellationToken: Cancellation);
        var named = await health.CheckAsync(new() { Service = service.Descriptor.FullName }, cancellationToken: Cancellation);
        var unknown = await Assert.ThrowsAsync<RpcException>(() =>
            health.CheckAsync(new() { Service = service.Descriptor.FullName.ToUpperInvariant() }, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal((ServingStatus.Serving, ServingStatus.Serving), (server.Status, named.Status));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [MemberData(nameof(HostedGrpcService.Resources), MemberType = typeof(HostedGrpcService))]
    public async Task TheServiceNameIsNotServingWhileTheAppIsUnhealthy(string resource)
    {
        await using var service = HostedGrpcService.Start(resource, services =>
            services.AddHealthChecks().AddCheck("failing", () => HealthCheckResult.Unhealthy("for the test")));
        var health = new Health.HealthClient(service.Channel);

        var server = await health.CheckAsync(new() { Service = "" }, cancellationToken: Cancellation);
        var named = await health.CheckAsync(new() { Service = service.Descriptor.FullName }, cancellationToken: Cancellation);

        Assert.Equal((ServingStatus.NotServing, ServingStatus.NotServing), (server.Status, named.Status));
    }

    [Theory]
    [MemberData(nameof(HostedGrpcService.Resources), MemberType = typeof(HostedGrpcService))]
    public async Task MethodPathsAreMatchedCaseSensitively(string resource)
    {
        await using var service = HostedGrpcService.Start(resource);
        using var http = service.Host.CreateClient();
        var path = service.MethodPath;

        var exact = await RawGrpcStatusAsync(http, path);
        var lower = await RawGrpcStatusAsync(http, path.ToLowerInvariant());
        var upper = await RawGrpcStatusAsync(http, path.ToUpperInvariant());
        var lowerMethodOnly = await RawGrpcStatusAsync(http, path[..(path.LastIndexOf('/') + 1)] + "sayhello");
        var healthLower = await RawGrpcStatusAsync(http, "/grpc.health.v1.health/check");

        Assert.NotEqual(StatusCode.Unimplemented, exact);
        Assert.All([lower, upper, lowerMethodOnly, healthLower], status => Assert.Equal(StatusCode.Unimplemented, status));
    }

    [Theory]
    [MemberData(nameof(HostedGrpcService.Resources), MemberType = typeof(HostedGrpcService))]
    public async Task APayloadThatIsNotProtobufIsInvalidArgumentWithoutAnErrorLog(string resource)
    {
        await using var service = HostedGrpcService.Start(resource);
        byte[][] payloads =
        [
            [0x00], // field number 0
            [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], // a varint longer than ten bytes
            [0x7A, 0x05, 0x61], // field 15, five bytes announced, one sent
            [0x11, 0x00, 0x00], // field 2 as a double cut after two bytes
            [0x7F], // wire type 7 does not exist
            "{\"weight\":90}"u8.ToArray(), // JSON instead of protobuf
        ];

        foreach (var payload in payloads)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => service.CallRawAsync(payload, Cancellation));

            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.StartsWith("The request payload is not a valid ", error.Status.Detail, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(service.Host.Logs, log => log.Level >= LogLevel.Error);
        await service.RequestDurations.WaitForAsync(service.MethodPath, StatusCode.InvalidArgument, payloads.Length, Cancellation);
    }

    [Fact]
    public async Task AStringThatIsNotUtf8IsInvalidArgumentWithoutAnErrorLog()
    {
        await using var service = HostedGrpcService.Start(ResourceNames.BmrGrpc);
        byte[] badGender = [0x0A, 0x02, 0xFF, 0xFE]; // field 1 (gender), two bytes that are not UTF-8

        var error = await Assert.ThrowsAsync<RpcException>(() => service.CallRawAsync(badGender, Cancellation));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("The request payload is not a valid NutritionAspire.Contracts.Bmr.Message message: ", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(service.Host.Logs, log => log.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task ANegativeZeroNecessityOnTheWireIsInvalidArgument()
    {
        await using var service = HostedGrpcService.Start(ResourceNames.CaloriesGrpc);
        // Field 1 (necessity) as a fixed64 double with only the sign bit set: a C# client leaves -0.0 out, a Go client sends it.
        byte[] negativeZero = [0x09, 0, 0, 0, 0, 0, 0, 0, 0x80];

        var error = await Assert.ThrowsAsync<RpcException>(() => service.CallRawAsync(negativeZero, Cancellation));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("necessity must be a number of kilocalories from 0 to 1E+308, got -0.", error.Status.Detail);
    }

    /// <summary>
    /// A unary gRPC request written by hand (an empty message in a five-byte frame) and the <c>grpc-status</c> it gets,
    /// from the trailers or, for a trailers-only answer, from the headers.
    /// </summary>
    private static async Task<StatusCode> RawGrpcStatusAsync(HttpClient http, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));

        using var response = await http.SendAsync(request, Cancellation);
        await response.Content.ReadAsByteArrayAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer
            : response.Headers.GetValues("grpc-status");
        return (StatusCode)int.Parse(status.Single(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
