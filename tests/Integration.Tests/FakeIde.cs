using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NutritionAspire.Tests;

namespace NutritionAspire.Integration.Tests;

/// <summary>
/// The run-session endpoint an IDE (Visual Studio, VS Code, Rider) offers the orchestrator when it starts the AppHost
/// with F5, per Aspire's IDE execution protocol: the orchestrator asks it to run each project (<c>PUT /run_session</c>),
/// and it reports the process back over a WebSocket. This one records every request and runs the project as an IDE
/// without a debugger does: <c>dotnet run</c>, the project's launch profile under the request's environment.
/// </summary>
public sealed class FakeIde : IAsyncDisposable
{
    private const string ProtocolVersion = "2024-03-03";

    private readonly WebApplication _app;
    private readonly string _token = Convert.ToHexString(Guid.NewGuid().ToByteArray());
    private readonly ConcurrentDictionary<string, Process> _sessions = new();
    private readonly ConcurrentQueue<JsonObject> _requests = new();
    private readonly Channel<string> _notifications = Channel.CreateUnbounded<string>();
    private int _nextSession;

    private FakeIde(WebApplication app)
    {
        _app = app;
    }

    /// <summary>Every run-session request the orchestrator made, as it sent it.</summary>
    public IReadOnlyList<JsonObject> Requests => [.. _requests];

    /// <summary>What the orchestrator needs to find this endpoint, as an IDE sets it for the AppHost.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();

    public static async Task<FakeIde> StartAsync(CancellationToken cancellationToken)
    {
        var port = Loopback.UnusedPort();
        var builder = WebApplication.CreateSlimBuilder();
        // The test output folder holds the services' appsettings.json (with their Kestrel endpoints): ignore it.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        var ide = new FakeIde(builder.Build());
        ide._app.UseWebSockets();
        ide._app.Use(ide.AuthenticateAsync);
        ide._app.MapGet("/info", () => Results.Json(new JsonObject { ["protocols_supported"] = new JsonArray(ProtocolVersion) }));
        ide._app.MapPut("/run_session", async (HttpContext context) => await (await ide.CreateSessionAsync(context)).ExecuteAsync(context));
        ide._app.MapDelete("/run_session/{id}", (string id) => ide.StopSession(id));
        ide._app.Map("/run_session/notify", ide.NotifyAsync);
        await ide._app.StartAsync(cancellationToken);
        ide.Environment = new Dictionary<string, string>
        {
            ["DEBUG_SESSION_PORT"] = $"localhost:{port}",
            ["DEBUG_SESSION_TOKEN"] = ide._token,
            // F5 (Start Debugging) rather than Ctrl+F5.
            ["DEBUG_SESSION_RUN_MODE"] = "Debug",
        };
        return ide;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _sessions.Values)
        {
            Stop(process);
        }

        _notifications.Writer.TryComplete();
        await _app.DisposeAsync();
    }

    private async Task AuthenticateAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Headers.Authorization != $"Bearer {_token}")
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        await next(context);
    }

    private async Task<IResult> CreateSessionAsync(HttpContext context)
    {
        var request = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        _requests.Enqueue(request);
        var launch = request["launch_configurations"]!.AsArray().Select(node => node!.AsObject())
            .FirstOrDefault(configuration => (string?)configuration["type"] is "project" or "project-with-external-build.v1");
        if (launch is null)
        {
            return Results.Json(new { error = new { code = "UnsupportedLaunchConfiguration", message = "Only projects are run here.", details = Array.Empty<object>() } },
                statusCode: StatusCodes.Status400BadRequest);
        }

        var id = $"session-{Interlocked.Increment(ref _nextSession)}";
        var process = Run(launch, request);
        _sessions[id] = process;
        process.OutputDataReceived += (_, line) => Notify(id, line.Data, isError: false);
        process.ErrorDataReceived += (_, line) => Notify(id, line.Data, isError: true);
        process.Exited += (_, _) => Notify(new JsonObject { ["notification_type"] = "sessionTerminated", ["session_id"] = id, ["exit_code"] = process.ExitCode });
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Notify(new JsonObject { ["notification_type"] = "processRestarted", ["session_id"] = id, ["pid"] = process.Id });
        context.Response.Headers.Location = $"http://{context.Request.Host}/run_session/{id}";
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    private IResult StopSession(string id)
    {
        if (!_sessions.TryRemove(id, out var process))
        {
            return Results.NoContent();
        }

        Stop(process);
        return Results.Ok();
    }

    private async Task NotifyAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        try
        {
            await foreach (var notification in _notifications.Reader.ReadAllAsync(context.RequestAborted))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(notification), WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // The orchestrator went away.
        }
    }

    /// <summary>
    /// Runs the project as the IDE would: its launch profile (unless the request disables it) as the base, the
    /// request's environment on top, and the request's arguments, if it gives any, instead of the profile's.
    /// </summary>
    private static Process Run(JsonObject launch, JsonObject request)
    {
        var projectPath = (string)launch["project_path"]!;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(projectPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "run", "--project", projectPath, "--no-build", "--no-launch-profile" })
        {
            start.ArgumentList.Add(argument);
        }

        if ((bool?)launch["disable_launch_profile"] != true && LaunchProfile(projectPath, (string?)launch["launch_profile"]) is { } profile)
        {
            foreach (var (name, value) in profile["environmentVariables"]?.AsObject() ?? [])
            {
                start.Environment[name] = (string?)value;
            }
        }

        foreach (var variable in request["env"]?.AsArray() ?? [])
        {
            start.Environment[(string)variable!["name"]!] = (string?)variable["value"];
        }

        if (request["args"] is JsonArray { Count: > 0 } arguments)
        {
            start.ArgumentList.Add("--");
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add((string)argument!);
            }
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not run {projectPath}.");
    }

    private static JsonObject? LaunchProfile(string projectPath, string? name)
    {
        var settings = Path.Combine(Path.GetDirectoryName(projectPath)!, "Properties", "launchSettings.json");
        if (name is null || !File.Exists(settings))
        {
            return null;
        }

        return JsonNode.Parse(File.ReadAllText(settings))?["profiles"]?[name]?.AsObject();
    }

    private void Notify(string id, string? line, bool isError)
    {
        if (line is not null)
        {
            Notify(new JsonObject { ["notification_type"] = "serviceLogs", ["session_id"] = id, ["is_std_err"] = isError, ["log_message"] = line });
        }
    }

    private void Notify(JsonObject notification) => _notifications.Writer.TryWrite(notification.ToJsonString(JsonSerializerOptions.Default));

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
