# EKS Pod Identity for the three workloads that call AWS APIs.

module "cilium_operator_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "1.12.1"

  name = "${var.cluster_name}-cilium-operator"

  # What the Cilium operator needs to manage ENIs and their addresses (ENI IPAM): the list of Cilium's ENI
  # documentation at the pinned version, route tables included (the operator picks subnets by route table).
  attach_custom_policy = true
  policy_statements = [
    {
      sid = "CiliumEniIpam"
      actions = [
        "ec2:AssignPrivateIpAddresses",
        "ec2:AttachNetworkInterface",
        "ec2:CreateNetworkInterface",
        "ec2:CreateTags",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeTags",
        "ec2:DescribeVpcs",
        "ec2:DetachNetworkInterface",
        "ec2:ModifyNetworkInterfaceAttribute",
        "ec2:UnassignPrivateIpAddresses",
      ]
      resources = ["*"]
    },
  ]

  associations = {
    cilium = {
      cluster_name    = module.eks.cluster_name
      namespace       = "kube-system"
      service_account = "cilium-operator"
    }
  }
}

module "load_balancer_controller_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "1.12.1"

  # The module names the role <name>-<26 characters>; IAM allows 64, so the name stays short.
  name                            = "${var.cluster_name}-lb-controller"
  attach_aws_lb_controller_policy = true

  associations = {
    controller = {
      cluster_name    = module.eks.cluster_name
      namespace       = "kube-system"
      service_account = "aws-load-balancer-controller"
    }
  }
}

resource "aws_s3_bucket" "loki" {
  bucket_prefix = "${var.cluster_name}-loki-"
  force_destroy = true
}

resource "aws_s3_bucket_public_access_block" "loki" {
  bucket                  = aws_s3_bucket.loki.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

module "loki_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "1.12.1"

  name = "${var.cluster_name}-loki"

  attach_custom_policy = true
  policy_statements = [
    {
      sid       = "LokiChunks"
      actions   = ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      resources = [aws_s3_bucket.loki.arn, "${aws_s3_bucket.loki.arn}/*"]
    },
  ]

  associations = {
    loki = {
      cluster_name    = module.eks.cluster_name
      namespace       = "loki"
      service_account = "loki"
    }
  }
}
