using System.Globalization;
using System.Runtime.InteropServices;
using NutritionAspire.Benchmarks;

if (args is ["serve", var kind, var port, .. var downstream])
{
    return await ReferenceServers.RunAsync(kind, Port(port), [.. downstream.Select(Port)]);
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

// Ctrl+C and SIGTERM end the run early; every process it started is stopped on the way out.
using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
return await Benchmark.RunAsync(options, stop.Token);

static int Port(string text) => int.Parse(text, CultureInfo.InvariantCulture);

void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
