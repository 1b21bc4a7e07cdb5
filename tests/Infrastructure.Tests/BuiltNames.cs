using System.Text.Json;

namespace NutritionAspire.Infrastructure.Tests;

/// <summary>A name (or name prefix) the configuration makes AWS create, and the longest AWS accepts.</summary>
public sealed record BuiltName(string Owner, string What, string Value, int Limit);

/// <summary>
/// The IAM and other length-limited names <c>manifests/eks</c> builds, computed the way each pinned module builds them.
/// A name prefix gets a 26-character suffix from the AWS provider, so its limit is the name's limit less 26 (the
/// provider's validation: roles 64, policies 128, EKS node groups 63, S3 buckets 63).
/// </summary>
public static class BuiltNames
{
    private const int Suffix = 26;
    private const int RoleName = 64;
    private const int PolicyName = 128;
    private const int NodeGroupName = 63;
    private const int BucketName = 63;

    public static IEnumerable<BuiltName> Of(IReadOnlyDictionary<string, JsonElement> files, IReadOnlyDictionary<string, string> variables)
    {
        string Text(JsonElement body, string property, string fallback) =>
            body.TryGetProperty(property, out var value) ? HclText.Evaluate(value.GetString()!, variables) : fallback;

        static bool Flag(JsonElement body, string property, bool fallback) =>
            body.TryGetProperty(property, out var value) ? value.GetBoolean() : fallback;

        foreach (var (owner, body) in EksFolder.Modules(files))
        {
            var module = $"{body.GetProperty("source").GetString()}@{body.GetProperty("version").GetString()}";
            switch (module)
            {
                // terraform-aws-eks-pod-identity 1.12.1, main.tf and aws_lb_controller.tf: role and policies are named
                // "<name>-" (name_prefix) unless use_name_prefix is false; the controller's policy is
                // "<policy_name_prefix>LoadBalancerController-" with policy_name_prefix "AmazonEKS_".
                case "terraform-aws-modules/eks-pod-identity/aws@1.12.1":
                {
                    var name = Text(body, "name", "");
                    var prefix = Flag(body, "use_name_prefix", true);
                    yield return Named(owner, "IAM role", name, prefix, RoleName);
                    if (Flag(body, "attach_custom_policy", false))
                    {
                        yield return Named(owner, "IAM policy", name, prefix, PolicyName);
                    }

                    foreach (var attach in body.EnumerateObject().Where(p => p.Name.StartsWith("attach_", StringComparison.Ordinal) && p.Name != "attach_custom_policy"))
                    {
                        Assert.True(attach.Name == "attach_aws_lb_controller_policy",
                            $"{owner}: no naming rule for {attach.Name}; read how the module names that policy and add it here.");
                        var policy = Text(body, "aws_lb_controller_policy_name", Text(body, "policy_name_prefix", "AmazonEKS_") + "LoadBalancerController");
                        yield return Named(owner, "IAM policy", policy, prefix, PolicyName);
                    }

                    break;
                }

                // terraform-aws-eks 20.37.2, main.tf: the cluster role "<cluster_name>-cluster" + prefix_separator ("-"),
                // and the encryption policy, used as a name prefix as is: "<role name>-ClusterEncryption".
                case "terraform-aws-modules/eks/aws@20.37.2":
                {
                    var role = Text(body, "iam_role_name", Text(body, "cluster_name", "") + "-cluster");
                    var prefix = Flag(body, "iam_role_use_name_prefix", true);
                    yield return Named(owner, "IAM role", role, prefix, RoleName);
                    if (body.TryGetProperty("cluster_encryption_config", out _))
                    {
                        var policy = Text(body, "cluster_encryption_policy_name", role + "-ClusterEncryption");
                        yield return Flag(body, "cluster_encryption_policy_use_name_prefix", true)
                            ? new BuiltName(owner, "IAM policy name prefix", policy, PolicyName - Suffix)
                            : new BuiltName(owner, "IAM policy name", policy, PolicyName);
                    }

                    break;
                }

                // terraform-aws-eks 20.37.2, modules/eks-managed-node-group/main.tf: the node group "<name>-" and its role
                // "<iam_role_name or name-eks-node-group>-", both name prefixes by default.
                case "terraform-aws-modules/eks/aws//modules/eks-managed-node-group@20.37.2":
                {
                    var name = Text(body, "name", "");
                    yield return Named(owner, "EKS node group", name, Flag(body, "use_name_prefix", true), NodeGroupName);
                    var role = Text(body, "iam_role_name", name + "-eks-node-group");
                    yield return Named(owner, "IAM role", role, Flag(body, "iam_role_use_name_prefix", true), RoleName);
                    break;
                }

                // terraform-aws-vpc 5.21.0 creates an IAM role only for flow logs.
                case "terraform-aws-modules/vpc/aws@5.21.0":
                    Assert.False(Flag(body, "enable_flow_log", false), $"{owner}: flow logs create an IAM role; add its naming rule here.");
                    break;

                default:
                    Assert.Fail($"{owner}: no naming rules for {module}; read how that version names its IAM resources and add them here.");
                    break;
            }
        }

        foreach (var (name, bucket) in EksFolder.Resources(files, "aws_s3_bucket"))
        {
            yield return bucket.TryGetProperty("bucket_prefix", out var prefix)
                ? new BuiltName($"aws_s3_bucket.{name}", "S3 bucket name prefix", HclText.Evaluate(prefix.GetString()!, variables), BucketName - Suffix)
                : new BuiltName($"aws_s3_bucket.{name}", "S3 bucket name", Text(bucket, "bucket", ""), BucketName);
        }

        foreach (var type in new[] { "aws_iam_role", "aws_iam_policy" })
        {
            foreach (var (name, resource) in EksFolder.Resources(files, type))
            {
                var limit = type == "aws_iam_role" ? RoleName : PolicyName;
                yield return resource.TryGetProperty("name_prefix", out var prefix)
                    ? new BuiltName($"{type}.{name}", "name prefix", HclText.Evaluate(prefix.GetString()!, variables), limit - Suffix)
                    : new BuiltName($"{type}.{name}", "name", Text(resource, "name", ""), limit);
            }
        }
    }

    /// <summary>A module's "&lt;name&gt;-" name prefix, or the name itself when the module is told not to use a prefix.</summary>
    private static BuiltName Named(string owner, string what, string name, bool asPrefix, int limit) =>
        asPrefix ? new BuiltName(owner, $"{what} name prefix", name + "-", limit - Suffix) : new BuiltName(owner, $"{what} name", name, limit);
}
