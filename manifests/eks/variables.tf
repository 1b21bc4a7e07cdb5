variable "region" {
  description = "AWS region of the cluster."
  type        = string
  default     = "us-east-1"
}

variable "cluster_name" {
  description = "Name of the EKS cluster, and prefix of everything created with it."
  type        = string
  default     = "nutrition"

  # It names the ECR repositories and the Loki bucket, which take lowercase letters, digits and hyphens only.
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*$", var.cluster_name))
    error_message = "Use lowercase letters, digits and hyphens, starting with a letter."
  }

  # The longest IAM role name prefix built from it, <cluster_name>-cilium-operator-, must fit IAM's 38 characters.
  validation {
    condition     = length(var.cluster_name) <= 21
    error_message = "Use at most 21 characters."
  }
}

variable "kubernetes_version" {
  # EKS standard support for 1.35 ends on 2027-03-27; after that EKS bills extended support for the control plane.
  description = "EKS Kubernetes version: one in EKS standard support (1.35 until 2027-03-27) that every pinned chart supports."
  type        = string
  default     = "1.35"
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; nodes and pods take their addresses from its private subnets (Cilium ENI mode)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "availability_zone_count" {
  description = "How many availability zones the VPC and the nodes span (at least 2)."
  type        = number
  default     = 3

  validation {
    condition     = var.availability_zone_count >= 2
    error_message = "Use at least two availability zones."
  }
}

variable "node_instance_types" {
  description = "Instance types of the managed node group (ENI mode: the type bounds the pods per node)."
  type        = list(string)
  default     = ["m6i.large", "m5.large"]
}

variable "node_ami_type" {
  description = "AMI type of the managed node group: AL2023 or Bottlerocket."
  type        = string
  default     = "AL2023_x86_64_STANDARD"

  validation {
    condition     = can(regex("^(AL2023_|BOTTLEROCKET_)", var.node_ami_type))
    error_message = "Use an AL2023_* or BOTTLEROCKET_* AMI type; AL2 is deprecated."
  }
}

variable "node_min_size" {
  description = "Minimum number of nodes."
  type        = number
  default     = 3
}

variable "node_max_size" {
  description = "Maximum number of nodes."
  type        = number
  default     = 6
}

variable "node_desired_size" {
  description = "Desired number of nodes."
  type        = number
  default     = 3
}

variable "ingress_certificate_arn" {
  description = "ARN of the ACM certificate of the public host name, DNS validated and in the cluster's region: the ingress NLB serves TLS with it (README, Get a certificate)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", var.ingress_certificate_arn))
    error_message = "Use the ARN of one ACM certificate: arn:aws:acm:<region>:<account>:certificate/<id>."
  }
}

variable "app_namespace" {
  description = "Namespace of the NutritionAspire services (the manifests' namespace)."
  type        = string
  default     = "nutrition"
}

variable "service_images" {
  description = "Repositories to create in ECR, one per image of manifests/kubernetes."
  type        = list(string)
  default = [
    "health-api", "bmr-grpc", "imc-grpc", "recommendations-grpc", "water-grpc", "proteins-grpc", "calories-grpc",
    "aspire-dashboard",
  ]
}

variable "admin_principal_arns" {
  description = "IAM principals given cluster-admin through EKS access entries, besides the identity running tofu."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every AWS resource."
  type        = map(string)
  default     = {}
}
