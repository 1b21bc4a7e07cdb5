using System.Net;
using System.Net.Sockets;

namespace NutritionAspire.Tests;

/// <summary>The loopback host the tests listen and connect on, and its free ports.</summary>
public static class Loopback
{
    public const string Host = "127.0.0.1";

    /// <summary><c>host:port</c> on loopback, the form the original's <c>*_SERVICE_ENDPOINT</c> variables use.</summary>
    public static string Address(int port) => $"{Host}:{port}";

    /// <summary>A port nothing listens on right now (the OS's next ephemeral one), for a process that needs a fixed port.</summary>
    public static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
