using System.Diagnostics;
using System.Globalization;
using System.Text;
using NutritionAspire.Tests;

namespace NutritionAspire.Manifests.Tests;

/// <summary>
/// Pod-like hosts on one machine: a network namespace per service on a private bridge, each with an /etc/hosts that
/// maps every service name to its address, so services listen on the same ports (30000, 8080) and find each other
/// by name, as they do in a cluster. Everything is torn down on dispose.
/// </summary>
public sealed class PodNetwork : IAsyncDisposable
{
    private const string Subnet = "10.199.77";
    private readonly string _id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..4];
    private readonly Dictionary<string, (string Namespace, string Address)> _pods = [];
    private readonly List<(string Service, Process Process, StringBuilder Log)> _processes = [];

    private string Bridge => $"nab{_id}";

    public static async Task<PodNetwork> CreateAsync(IReadOnlyList<string> services, CancellationToken cancellationToken)
    {
        var network = new PodNetwork();
        try
        {
            await IpAsync(cancellationToken, "link", "add", network.Bridge, "type", "bridge");
            await IpAsync(cancellationToken, "addr", "add", $"{Subnet}.1/24", "dev", network.Bridge);
            await IpAsync(cancellationToken, "link", "set", network.Bridge, "up");
            for (var index = 0; index < services.Count; index++)
            {
                network._pods[services[index]] = ($"na-{network._id}-{index}", $"{Subnet}.{10 + index}");
            }

            var hosts = "127.0.0.1 localhost\n" + string.Concat(network._pods.Select(pod => $"{pod.Value.Address} {pod.Key}\n"));
            foreach (var (index, (ns, address)) in network._pods.Values.Index())
            {
                var (hostEnd, podEnd) = ($"na{network._id}{index}h", $"na{network._id}{index}p");
                await IpAsync(cancellationToken, "netns", "add", ns);
                await IpAsync(cancellationToken, "link", "add", hostEnd, "type", "veth", "peer", "name", podEnd);
                await IpAsync(cancellationToken, "link", "set", podEnd, "netns", ns);
                await IpAsync(cancellationToken, "link", "set", hostEnd, "master", network.Bridge, "up");
                await IpAsync(cancellationToken, "-n", ns, "addr", "add", $"{address}/24", "dev", podEnd);
                await IpAsync(cancellationToken, "-n", ns, "link", "set", podEnd, "up");
                await IpAsync(cancellationToken, "-n", ns, "link", "set", "lo", "up");
                // `ip netns exec` bind-mounts these over /etc/hosts and /etc/resolv.conf inside the namespace.
                var etc = Directory.CreateDirectory($"/etc/netns/{ns}").FullName;
                await File.WriteAllTextAsync(Path.Combine(etc, "hosts"), hosts, cancellationToken);
                await File.WriteAllTextAsync(Path.Combine(etc, "resolv.conf"), "nameserver 127.0.0.1\n", cancellationToken);
            }

            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    public string Address(string service) => _pods[service].Address;

    /// <summary>Starts <c>dotnet <paramref name="assembly"/></c> in the service's namespace with only <paramref name="environment"/> (and PATH, HOME).</summary>
    public void Start(string service, string assembly, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("ip", ["netns", "exec", _pods[service].Namespace, "dotnet", assembly])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = Environment.GetEnvironmentVariable("HOME");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => { lock (log) { log.AppendLine(line.Data); } };
        process.ErrorDataReceived += (_, line) => { lock (log) { log.AppendLine(line.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add((service, process, log));
    }

    /// <summary>Polls the service's HTTP port until <paramref name="path"/> answers 200, failing after three minutes.</summary>
    public Task WaitUntilHealthyAsync(HttpClient http, string service, string path, CancellationToken cancellationToken)
    {
        var uri = new Uri($"http://{Address(service)}:8080{path}");
        return Eventually.ReturnsAsync(
            async token =>
            {
                try
                {
                    using var response = await http.GetAsync(uri, token);
                    return response.IsSuccessStatusCode ? uri : null;
                }
                catch (HttpRequestException)
                {
                    return null; // Not listening yet.
                }
            },
            TimeSpan.FromMinutes(3),
            () => $"{service} does not answer {uri}.{Logs()}",
            cancellationToken,
            TimeSpan.FromMilliseconds(250));
    }

    public string Logs() => string.Concat(_processes.Select(p =>
    {
        lock (p.Log)
        {
            return $"\n--- {p.Service} (exited: {p.Process.HasExited}) ---\n{p.Log}";
        }
    }));

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, process, _) in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        foreach (var (ns, _) in _pods.Values)
        {
            await TryIpAsync("netns", "del", ns);
            if (Directory.Exists($"/etc/netns/{ns}"))
            {
                Directory.Delete($"/etc/netns/{ns}", recursive: true);
            }
        }

        await TryIpAsync("link", "del", Bridge);
    }

    private static async Task IpAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await Repository.RunAsync("ip", arguments, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({result.ExitCode.ToString(CultureInfo.InvariantCulture)}): {result.Error}");
        }
    }

    /// <summary>Best-effort clean-up: what is already gone is fine.</summary>
    private static Task<ProcessResult> TryIpAsync(params string[] arguments) => Repository.RunAsync("ip", arguments, CancellationToken.None);
}
