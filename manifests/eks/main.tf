data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  azs = slice(data.aws_availability_zones.available.names, 0, var.availability_zone_count)

  tags = merge(var.tags, {
    Project   = "nutrition-aspire"
    Cluster   = var.cluster_name
    ManagedBy = "opentofu"
  })

  # Chart versions are pinned; upgrade them deliberately, one at a time.
  charts = {
    prometheus_operator_crds     = "23.0.0"
    cilium                       = "1.19.6"
    tetragon                     = "1.7.0"
    kube_prometheus_stack        = "77.6.2"
    loki                         = "6.40.0"
    alloy                        = "1.2.1"
    aws_load_balancer_controller = "1.13.4"
  }
}
