namespace NutritionAspire.HealthApi;

internal static class PortVariable
{
    /// <summary>Listens on <c>PORT</c> when it is set, as the original health-api did.</summary>
    public static WebApplicationBuilder UsePortVariable(this WebApplicationBuilder builder)
    {
        if (builder.Configuration["PORT"] is { Length: > 0 } port)
        {
            if (!ushort.TryParse(port, out var number) || number == 0)
            {
                throw new InvalidOperationException($"PORT must be a TCP port number from 1 to 65535, got '{port}'.");
            }

            builder.WebHost.UseUrls($"http://*:{number}");
        }

        return builder;
    }
}
