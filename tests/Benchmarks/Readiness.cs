using System.Net;
using System.Text;
using NutritionAspire.Contracts;

namespace NutritionAspire.Benchmarks;

internal static class Readiness
{
    /// <summary>Whether <paramref name="server"/> answers the worked example with 200.</summary>
    public static async Task<bool> PostsOkAsync(HttpClient http, Uri server, CancellationToken cancellationToken)
    {
        using var content = new StringContent(WorkedExample.Request, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(server, WorkedExample.Path), content, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// Whether the chain at <paramref name="server"/> answers the worked example with 200 twenty times in a row: the
    /// traced requests take code paths the services' own (untraced) warm-up does not, and a load that meets them cold
    /// on a busy machine can pass deadlines and open a circuit before anything is measured.
    /// </summary>
    public static async Task<bool> AnswersSteadilyAsync(HttpClient http, Uri server, CancellationToken cancellationToken)
    {
        for (var answered = 0; answered < 20; answered++)
        {
            if (!await PostsOkAsync(http, server, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Polls <paramref name="ready"/> until it holds; fails early, with its output, if one of the processes exits.</summary>
    public static async Task WaitAsync(IReadOnlyList<ServerProcess> processes, Func<HttpClient, CancellationToken, Task<bool>> ready,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            do
            {
                if (processes.FirstOrDefault(process => process.HasExited) is { } exited)
                {
                    throw new InvalidOperationException($"{exited.Name} exited while starting:\n{exited.LastLines()}");
                }

                try
                {
                    if (await ready(http, deadline.Token))
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // This attempt passed the client's timeout (a proxy can hold a request until its backend is up).
                }
            }
            while (await timer.WaitForNextTickAsync(deadline.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"Not ready after {timeout}:\n" +
            string.Join('\n', processes.Select(process => $"--- {process.Name}\n{process.LastLines()}")));
    }
}
