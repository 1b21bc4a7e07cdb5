using System.Globalization;
using System.Net;

namespace NutritionAspire.Integration.Tests;

/// <summary>What <c>/proc</c> says of running processes and listening sockets, for checks no API of the platform answers.</summary>
public static class LinuxProcesses
{
    /// <summary>The process and all its descendants.</summary>
    public static IReadOnlyList<int> Tree(int root)
    {
        var parents = All()
            .Select(pid => (Pid: pid, Parent: ParentOf(pid)))
            .Where(process => process.Parent is not null)
            .ToLookup(process => process.Parent!.Value, process => process.Pid);
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents[tree[i]]);
        }

        return tree;
    }

    /// <summary>The process's parent, its parent's parent, and so on.</summary>
    public static IEnumerable<int> Ancestors(int pid)
    {
        for (var parent = ParentOf(pid); parent is > 1; parent = ParentOf(parent.Value))
        {
            yield return parent.Value;
        }
    }

    /// <summary>Every running process.</summary>
    public static IEnumerable<int> All() =>
        Directory.EnumerateDirectories("/proc")
            .Select(path => int.TryParse(Path.GetFileName(path), CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    /// <summary>The program and its arguments as the process was started; empty once it has exited.</summary>
    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>The process's environment variables; empty once it has exited, or when it is not ours to read.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(variable => variable.Split('=', 2))
                .Where(pair => pair.Length == 2)
                .GroupBy(pair => pair[0], StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.Last()[1], StringComparer.Ordinal);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new Dictionary<string, string>();
        }
    }

    /// <summary>Every listening TCP socket of the machine, IPv4 and IPv6.</summary>
    public static IReadOnlyList<IPEndPoint> ListeningSockets() =>
        [.. ReadSockets("/proc/net/tcp").Select(socket => socket.Address), .. ReadSockets("/proc/net/tcp6").Select(socket => socket.Address)];

    /// <summary>The TCP sockets the process listens on.</summary>
    public static IReadOnlyList<IPEndPoint> ListeningSocketsOf(int pid)
    {
        var inodes = new HashSet<long>();
        try
        {
            foreach (var descriptor in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                if (new FileInfo(descriptor).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(long.Parse(target["socket:[".Length..^1], CultureInfo.InvariantCulture));
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return [.. ReadSockets("/proc/net/tcp").Concat(ReadSockets("/proc/net/tcp6")).Where(socket => inodes.Contains(socket.Inode)).Select(socket => socket.Address)];
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static IEnumerable<(IPEndPoint Address, long Inode)> ReadSockets(string table)
    {
        const string Listen = "0A";
        foreach (var line in File.ReadLines(table).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields[3] != Listen)
            {
                continue;
            }

            var (address, port) = (fields[1][..fields[1].IndexOf(':')], fields[1][(fields[1].IndexOf(':') + 1)..]);
            yield return (new IPEndPoint(ParseAddress(address), int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture)),
                long.Parse(fields[9], CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The kernel writes each 32-bit word of the address in host (little-endian) order.</summary>
    private static IPAddress ParseAddress(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }

        return new IPAddress(bytes);
    }
}
