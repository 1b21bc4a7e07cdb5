# The control plane without the self-managed add-ons (no aws-node, no kube-proxy): Cilium replaces both.
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "20.37.2"

  cluster_name    = var.cluster_name
  cluster_version = var.kubernetes_version

  vpc_id                   = module.vpc.vpc_id
  subnet_ids               = module.vpc.private_subnets
  control_plane_subnet_ids = module.vpc.private_subnets

  cluster_endpoint_public_access = true
  bootstrap_self_managed_addons  = false

  # Access entries, not the aws-auth ConfigMap.
  authentication_mode                      = "API"
  enable_cluster_creator_admin_permissions = true
  access_entries = {
    for index, arn in var.admin_principal_arns : "admin-${index}" => {
      principal_arn = arn
      policy_associations = {
        admin = {
          policy_arn   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = { type = "cluster" }
        }
      }
    }
  }

  # Kubernetes Secrets are envelope-encrypted with a KMS key the module creates.
  create_kms_key = true
  cluster_encryption_config = {
    resources = ["secrets"]
  }

  # The nodes use the cluster primary security group only (the first choice of the module's FAQ on "expect exactly one
  # securityGroup tagged with kubernetes.io/cluster/<name>"): EKS tags it, so the load balancer controller finds exactly
  # one tagged group on each node to open for the NLB. The module's node security group would carry the same tag.
  # The primary group admits everything among the nodes and the control plane, which Cilium needs: pods on ENIs
  # inherit the nodes' groups, its health checks use ICMP, and the API server calls webhooks and metrics-server on
  # their pods' ports.
  create_node_security_group = false
}

# Cilium's WireGuard tunnels (values/cilium.yaml, encryption) run between the nodes on UDP 51871, a port Cilium fixes.
# The nodes are in the cluster primary security group only, whose rule for its own members admits every protocol
# today; this rule keeps the tunnels open whatever becomes of that one.
resource "aws_vpc_security_group_ingress_rule" "wireguard" {
  description                  = "Cilium WireGuard between the nodes"
  security_group_id            = module.eks.cluster_primary_security_group_id
  referenced_security_group_id = module.eks.cluster_primary_security_group_id
  ip_protocol                  = "udp"
  from_port                    = 51871
  to_port                      = 51871
}

# Nodes come after Cilium, tainted until its agent runs on them, so no pod starts without networking.
module "node_group" {
  source  = "terraform-aws-modules/eks/aws//modules/eks-managed-node-group"
  version = "20.37.2"

  name            = "${var.cluster_name}-default"
  cluster_name    = module.eks.cluster_name
  cluster_version = var.kubernetes_version

  # The module's default role name, <name>-eks-node-group, would leave cluster_name only 14 characters.
  iam_role_name = "${var.cluster_name}-nodes"

  subnet_ids                        = module.vpc.private_subnets
  cluster_primary_security_group_id = module.eks.cluster_primary_security_group_id
  cluster_endpoint                  = module.eks.cluster_endpoint
  cluster_auth_base64               = module.eks.cluster_certificate_authority_data
  cluster_service_cidr              = module.eks.cluster_service_cidr

  ami_type       = var.node_ami_type
  instance_types = var.node_instance_types
  min_size       = var.node_min_size
  max_size       = var.node_max_size
  desired_size   = var.node_desired_size

  taints = {
    cilium = {
      key    = "node.cilium.io/agent-not-ready"
      value  = "true"
      effect = "NO_EXECUTE"
    }
  }

  depends_on = [helm_release.cilium]
}

# The Pod Identity agent runs on the host network and tolerates every taint, node.cilium.io/agent-not-ready included:
# it comes before the nodes, because the Cilium operator needs its credentials to give the first pods addresses.
resource "aws_eks_addon" "pod_identity_agent" {
  cluster_name                = module.eks.cluster_name
  addon_name                  = "eks-pod-identity-agent"
  resolve_conflicts_on_create = "OVERWRITE"
}

# CoreDNS needs a pod network: it comes after Cilium and the nodes.
resource "aws_eks_addon" "coredns" {
  cluster_name                = module.eks.cluster_name
  addon_name                  = "coredns"
  resolve_conflicts_on_create = "OVERWRITE"

  depends_on = [module.node_group]
}

# The resource metrics API (metrics.k8s.io) that the HorizontalPodAutoscalers of manifests/kubernetes read their CPU
# and memory utilization from; without it they stay <unknown> and never scale. Its pods need the nodes.
resource "aws_eks_addon" "metrics_server" {
  cluster_name                = module.eks.cluster_name
  addon_name                  = "metrics-server"
  resolve_conflicts_on_create = "OVERWRITE"

  depends_on = [module.node_group]
}
