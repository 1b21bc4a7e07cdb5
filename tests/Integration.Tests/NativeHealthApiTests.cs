using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>
/// health-api as its image ships it, published with Native AOT: a native build has no reflection-based JSON to fall
/// back on, so an answer or a schema whose type is missing from the generated context would fail only here.
/// </summary>
public sealed class NativeHealthApiTests : IAsyncLifetime
{
    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly string _work = Directory.CreateTempSubdirectory("nutrition-native-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentQueue<string?> _log = new();
    private Process? _service;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheNativeBuildServesTheCommittedDocumentAndEveryKindOfAnswer()
    {
        var api = await PublishAndStartAsync();

        var document = JsonNode.Parse(await _http.GetStringAsync(new Uri(api, "/openapi/v1.json"), Cancellation));
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(
            Path.Combine(RepositoryPaths.Root, "services", "HealthApi", "openapi-document", "health-api.json"), Cancellation));
        Assert.True(JsonNode.DeepEquals(committed, document), "the native build's OpenAPI document differs from the committed one");

        Assert.Equal("{\"status\":200}", await _http.GetStringAsync(new Uri(api, "/liveness"), Cancellation));
        Assert.Equal("{\"status\":\"Ready\"}", await _http.GetStringAsync(new Uri(api, "/readiness"), Cancellation));
        var version = JsonNode.Parse(await _http.GetStringAsync(new Uri(api, "/version"), Cancellation))!;
        Assert.Equal(ResourceNames.HealthApi, (string?)version["application"]);

        var invalid = await PostAsync(api, "{\"age\":\"x\"}", "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.NotNull(invalid.Body["errors"]?["age"]);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostAsync(api, "{}", "text/plain")).Status);

        // Nothing listens where the dependencies should be: the answer is the problem body of an unavailable dependency.
        var unavailable = await PostAsync(api, WorkedExample.Request, "application/json");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.Status);
        Assert.Contains((string?)unavailable.Body["dependency"], new[] { ResourceNames.BmrGrpc, ResourceNames.ImcGrpc, ResourceNames.RecommendationsGrpc });
        Assert.NotNull((string?)unavailable.Body["trace_id"]);

        using var unknown = await _http.GetAsync(new Uri(api, "/nowhere"), Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(Uri api, string body, string mediaType)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new(mediaType);
        using var response = await _http.PostAsync(new Uri(api, Contracts.WorkedExample.Path), content, Cancellation);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!);
    }

    /// <summary>
    /// Publishes a copy of health-api's sources, so the publish's restore (for the runtime identifier) never rewrites
    /// the files the other tests' builds read, and starts the native executable with its dependencies unreachable.
    /// </summary>
    private async Task<Uri> PublishAndStartAsync()
    {
        if (!ClangIsInstalled())
        {
            Assert.Skip("clang is not installed, which a Native AOT publish links with (.ci/run installs Debian's clang package).");
        }

        var sources = Path.Combine(_work, "src");
        Directory.CreateDirectory(sources);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", ".editorconfig" })
        {
            File.Copy(Path.Combine(RepositoryPaths.Root, file), Path.Combine(sources, file));
        }

        foreach (var folder in new[] { "ServiceDefaults", "services/HealthApi", "services/Contracts", "services/InputRules" })
        {
            CopySources(Path.Combine(RepositoryPaths.Root, folder), Path.Combine(sources, folder));
        }

        var output = Path.Combine(_work, "native");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(s_publishTimeout);
        var publish = await ProcessRunner.RunAsync("dotnet",
        [
            "publish", Path.Combine(sources, "services", "HealthApi", "NutritionAspire.HealthApi.csproj"), "-c", "Release",
            "-r", RuntimeInformation.RuntimeIdentifier, "-o", output, "--nologo",
            // The document is compared with the committed one below; the image's bill of materials has a test of its own.
            "-p:OpenApiGenerateDocuments=false", "-p:ContainerRepository=",
        ], sources, timeout.Token);
        Assert.True(publish.ExitCode == 0, publish.Output + publish.Error);
        Assert.False(File.Exists(Path.Combine(output, "NutritionAspire.HealthApi.dll")), "the publish left a JIT assembly: it was not a native build");

        var port = Loopback.UnusedPort();
        var start = new ProcessStartInfo(Path.Combine(output, "NutritionAspire.HealthApi")) { WorkingDirectory = output, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://{Loopback.Host}:{port}";
        start.Environment["RateLimit__Enabled"] = "false";
        foreach (var variable in new[] { "BMR_SERVICE_ENDPOINT", "IMC_SERVICE_ENDPOINT", "RECOMMENDATIONS_SERVICE_ENDPOINT" })
        {
            start.Environment[variable] = Loopback.Address(Loopback.UnusedPort());
        }

        _service = Process.Start(start) ?? throw new InvalidOperationException("The native health-api did not start.");
        _service.OutputDataReceived += (_, line) => _log.Enqueue(line.Data);
        _service.ErrorDataReceived += (_, line) => _log.Enqueue(line.Data);
        _service.BeginOutputReadLine();
        _service.BeginErrorReadLine();
        var api = new Uri($"http://{Loopback.Host}:{port}");
        await Eventually.ReturnsAsync(async token =>
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(api, "/readiness"), token);
                return response.IsSuccessStatusCode ? api : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, s_startTimeout, () => $"health-api {(_service.HasExited ? $"exited with {_service.ExitCode}" : "is not ready")}:\n{string.Join('\n', _log.TakeLast(20))}", Cancellation);
        return api;
    }

    private static bool ClangIsInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(Directory.Exists)
            .SelectMany(directory => Directory.EnumerateFiles(directory, "clang*"))
            .Select(Path.GetFileName)
            .Any(name => name is "clang" || (name!.StartsWith("clang-", StringComparison.Ordinal) && name[6..].All(char.IsAsciiDigit)));

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from).Where(directory => Path.GetFileName(directory) is not ("bin" or "obj")))
        {
            CopySources(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_service is { HasExited: false })
        {
            _service.Kill(entireProcessTree: true);
            await _service.WaitForExitAsync(CancellationToken.None);
        }

        _service?.Dispose();
        _http.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
