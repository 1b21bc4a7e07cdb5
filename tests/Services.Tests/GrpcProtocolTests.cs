using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NutritionAspire.Tests;
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

    /// <summary>Every gRPC service, in memory and through Kestrel's real HTTP/2.</summary>
    public static TheoryData<string, bool> ResourcesInMemoryAndOnKestrel
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var resource in NutritionServices.Grpc)
            {
                data.Add(resource, false);
                data.Add(resource, true);
            }

            return data;
        }
    }

    public static TheoryData<string, bool, string, byte[]> CorruptCompressedMessages
    {
        get
        {
            var data = new TheoryData<string, bool, string, byte[]>();
            foreach (var resource in NutritionServices.Grpc)
            {
                foreach (var onKestrel in (bool[])[false, true])
                {
                    data.Add(resource, onKestrel, "gzip", "not gzip at all"u8.ToArray());
                    // A gzip header, then a deflate block of the reserved type 3.
                    data.Add(resource, onKestrel, "gzip", [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]);
                    data.Add(resource, onKestrel, "deflate", [0xFF, 0xFF, 0xFF, 0xFF]);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CorruptCompressedMessages))]
    public async Task ACorruptCompressedMessageIsInvalidArgumentWithoutAnErrorLog(string resource, bool onKestrel, string encoding, byte[] compressed)
    {
        await using var service = HostedGrpcService.Start(resource, onKestrel: onKestrel);
        using var http = HttpClientFor(service);

        var (status, message) = await RawGrpcCallAsync(http, service.MethodPath, Frame(compressed, compressedFlag: 1), ("grpc-encoding", encoding));

        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.Equal($"The request message is not valid {encoding} data.", message);
        Assert.DoesNotContain(service.Host.Logs, log => log.Level >= LogLevel.Error);
    }

    [Theory]
    [MemberData(nameof(ResourcesInMemoryAndOnKestrel))]
    public async Task AGzipMessageIsReadAndOneThatInflatesPastTheLimitIsResourceExhausted(string resource, bool onKestrel)
    {
        await using var service = HostedGrpcService.Start(resource, onKestrel: onKestrel);
        using var http = HttpClientFor(service);
        // Field 15 (unknown to every message, so skipped) as 5 MiB of zeros: 5 KiB on the wire, past 4 MiB inflated.
        var bomb = Gzip([0x7A, 0x80, 0x80, 0x40, .. new byte[5 * 1024 * 1024]]);

        var (empty, _) = await RawGrpcCallAsync(http, service.MethodPath, Frame(Gzip([]), compressedFlag: 1), ("grpc-encoding", "gzip"));
        var (inflated, message) = await RawGrpcCallAsync(http, service.MethodPath, Frame(bomb, compressedFlag: 1), ("grpc-encoding", "gzip"));

        // An empty message is read, then refused by the input rules (weight 0), or answered (calories 0).
        Assert.Contains(empty, (StatusCode[])[StatusCode.InvalidArgument, StatusCode.OK]);
        Assert.True(bomb.Length < 16 * 1024, $"{bomb.Length} bytes compressed");
        Assert.Equal(StatusCode.ResourceExhausted, inflated);
        Assert.Equal("The request message is larger than 4194304 bytes once decompressed.", message);
        Assert.DoesNotContain(service.Host.Logs, log => log.Level >= LogLevel.Error);
    }

    [Theory]
    [MemberData(nameof(ResourcesInMemoryAndOnKestrel))]
    public async Task ALengthPrefixOfTwoToTheThirtyFirstOrMoreIsResourceExhaustedWithoutAnErrorLog(string resource, bool onKestrel)
    {
        await using var service = HostedGrpcService.Start(resource, onKestrel: onKestrel);
        using var http = HttpClientFor(service);

        foreach (var prefix in (byte[][])[[0x80, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0xFF]])
        {
            var (status, message) = await RawGrpcCallAsync(http, service.MethodPath, [0, .. prefix, 0x08, 0x01]);

            Assert.Equal(StatusCode.ResourceExhausted, status);
            Assert.Equal("Received message exceeds the maximum configured message size.", message);
        }

        Assert.DoesNotContain(service.Host.Logs, log => log.Level >= LogLevel.Error);
        await service.RequestDurations.WaitForAsync(service.MethodPath, StatusCode.ResourceExhausted, 2, Cancellation);
    }

    [Theory]
    [MemberData(nameof(ResourcesInMemoryAndOnKestrel))]
    public async Task AGrpcTimeoutThatIsNotOneToEightDigitsAndAUnitIsInvalidArgumentWithoutAnErrorLog(string resource, bool onKestrel)
    {
        await using var service = HostedGrpcService.Start(resource, onKestrel: onKestrel);
        using var http = HttpClientFor(service);
        const string Refusal = "grpc-timeout must be 1 to 8 digits followed by one of the units H, M, S, m, u, n.";
        string[] invalid = ["999999999H", "2147483648S", "99999999999999999999n", "1x", "H", "-1S", "1.5S"];

        foreach (var timeout in invalid)
        {
            var (status, message) = await RawGrpcCallAsync(http, service.MethodPath, Frame([]), ("grpc-timeout", timeout));

            Assert.True(status == StatusCode.InvalidArgument, $"grpc-timeout '{timeout}': {status} {message}");
            Assert.Equal(Refusal, message);
        }

        // The longest valid timeout is taken (grpc-dotnet caps it): the empty message goes on to the input rules.
        var (_, longest) = await RawGrpcCallAsync(http, service.MethodPath, Frame([]), ("grpc-timeout", "99999999H"));
        Assert.NotEqual(Refusal, longest);
        Assert.DoesNotContain(service.Host.Logs, log => log.Level >= LogLevel.Error);
        await service.RequestDurations.WaitForAsync(service.MethodPath, StatusCode.InvalidArgument, invalid.Length, Cancellation);
    }

    /// <summary>An HTTP client for the service, in memory or through Kestrel.</summary>
    private static HttpClient HttpClientFor(HostedGrpcService service) =>
        service.Address is { } address ? new HttpClient { BaseAddress = address } : service.Host.CreateClient();

    /// <summary>A gRPC message frame: the compressed flag, the length (big-endian) and the message.</summary>
    private static byte[] Frame(byte[] message, byte compressedFlag = 0)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = compressedFlag;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return compressed.ToArray();
    }

    /// <summary>
    /// A unary gRPC request written by hand (an empty message in a five-byte frame) and the <c>grpc-status</c> it gets,
    /// from the trailers or, for a trailers-only answer, from the headers.
    /// </summary>
    private static async Task<StatusCode> RawGrpcStatusAsync(HttpClient http, string path) =>
        (await RawGrpcCallAsync(http, path, Frame([]))).Status;

    /// <summary>A unary gRPC request of the given body bytes and headers, and the status and message it gets.</summary>
    private static async Task<(StatusCode Status, string? Message)> RawGrpcCallAsync(
        HttpClient http, string path, byte[] body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, Cancellation);
        await response.Content.ReadAsByteArrayAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var trailers = response.TrailingHeaders.Contains("grpc-status") ? (HttpHeaders)response.TrailingHeaders : response.Headers;
        var status = (StatusCode)int.Parse(trailers.GetValues("grpc-status").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var message = trailers.TryGetValues("grpc-message", out var messages) ? Uri.UnescapeDataString(messages.Single()) : null;
        return (status, message);
    }
}
