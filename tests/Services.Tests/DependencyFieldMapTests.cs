using Grpc.Core;
using NutritionAspire.ServiceDefaults;

namespace NutritionAspire.Services.Tests;

/// <summary>A dependency's refused fields in the caller's own fields.</summary>
public sealed class DependencyFieldMapTests
{
    private static readonly DependencyFieldMap s_map = new(new()
    {
        ["leaf"] = new() { ["mass"] = ["weight"], ["size"] = ["height"], ["total"] = ["weight", "height", "age"] },
    });

    [Fact]
    public void TheNamedFieldsAreTheCallersFieldsBehindThemInTheOrderNamedOnceEach() =>
        Assert.Equal(["height", "weight", "age"], s_map.OwnFields(Refusal("size", "total", "mass")));

    [Fact]
    public void ARefusalNamingNoFieldOrNoneThatWasSentIsEveryFieldTheCallTookFrom()
    {
        Assert.Equal(["weight", "height", "age"], s_map.OwnFields(Refusal()));
        Assert.Equal(["weight", "height", "age"], s_map.OwnFields(Refusal("colour")));
    }

    private static DependencyFailedException Refusal(params string[] fields) =>
        new("leaf", new Status(StatusCode.InvalidArgument, "refused"), fields);
}
