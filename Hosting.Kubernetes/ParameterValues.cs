using Aspire.Hosting.ApplicationModel;

namespace NutritionAspire.Hosting.Kubernetes;

/// <summary>Where Aspire reads a parameter's value from, so the publisher reads it there too, without asking for it.</summary>
internal static class ParameterValues
{
    /// <summary><c>Parameters:&lt;name&gt;</c>, or <c>ConnectionStrings:&lt;name&gt;</c> for a connection string.</summary>
    public static string ConfigurationKey(ParameterResource parameter) =>
        parameter.IsConnectionString ? $"ConnectionStrings:{parameter.Name}" : $"Parameters:{parameter.Name}";
}
