using System.Net;
using System.Net.Sockets;

namespace NutritionAspire.Tests;

/// <summary>The loopback host the tests listen and connect on, and its free ports.</summary>
public static class Loopback
{
    public const string Host = "127.0.0.1";

    /// <summary>
    /// Below Linux's ephemeral range (32768–60999): a port handed out here is not taken, before its process binds it,
    /// by the source port of an outgoing connection, as the OS's next ephemeral port can be.
    /// </summary>
    private const int FirstPort = 20000;
    private const int EndPort = 32768;

    private static readonly HashSet<int> s_handedOut = [];

    /// <summary><c>host:port</c> on loopback, the form the original's <c>*_SERVICE_ENDPOINT</c> variables use.</summary>
    public static string Address(int port) => $"{Host}:{port}";

    /// <summary>A port nothing listens on right now and not handed out before by this process, for a process that needs a fixed port.</summary>
    public static int UnusedPort()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(FirstPort, EndPort);
            lock (s_handedOut)
            {
                if (s_handedOut.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                s_handedOut.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port found between {FirstPort} and {EndPort - 1}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
