# Cluster add-ons, in the order the cluster needs them: CRDs (no pods), Cilium (the network), then, once the nodes
# and CoreDNS are up, the load balancer controller, and after it everything else. The controller's mutating webhook
# sees every Service created from then on and fails closed (failurePolicy Fail): a release that creates Services
# before the controller's pods are ready is refused. Every release that waits for its pods comes after the nodes and
# CoreDNS.

resource "helm_release" "prometheus_operator_crds" {
  name       = "prometheus-operator-crds"
  repository = "https://prometheus-community.github.io/helm-charts"
  chart      = "prometheus-operator-crds"
  version    = local.charts.prometheus_operator_crds
  namespace  = "kube-system"

  depends_on = [module.eks]
}

resource "helm_release" "cilium" {
  name       = "cilium"
  repository = "https://helm.cilium.io"
  chart      = "cilium"
  version    = local.charts.cilium
  namespace  = "kube-system"
  values     = [file("${path.module}/values/cilium.yaml")]

  # Without kube-proxy, Cilium reaches the API server directly.
  set {
    name  = "k8sServiceHost"
    value = trimprefix(module.eks.cluster_endpoint, "https://")
  }
  set {
    name  = "k8sServicePort"
    value = "443"
  }

  # The ingress NLB's listeners serve TLS with this certificate (values/cilium.yaml has the other annotations).
  set {
    name  = "ingressController.service.annotations.service\\.beta\\.kubernetes\\.io/aws-load-balancer-ssl-cert"
    value = var.ingress_certificate_arn
  }

  # There are no nodes yet: the release is installed and its pods start with the node group.
  wait = false

  depends_on = [module.cilium_operator_identity, helm_release.prometheus_operator_crds]

  lifecycle {
    # An NLB takes certificates of its own region only; the controller would otherwise fail long after apply.
    precondition {
      condition     = split(":", var.ingress_certificate_arn)[3] == var.region
      error_message = "ingress_certificate_arn must be a certificate of the cluster's region (var.region)."
    }
  }
}

resource "helm_release" "aws_load_balancer_controller" {
  name       = "aws-load-balancer-controller"
  repository = "https://aws.github.io/eks-charts"
  chart      = "aws-load-balancer-controller"
  version    = local.charts.aws_load_balancer_controller
  namespace  = "kube-system"
  values     = [file("${path.module}/values/aws-load-balancer-controller.yaml")]

  set {
    name  = "clusterName"
    value = module.eks.cluster_name
  }
  set {
    name  = "region"
    value = var.region
  }
  set {
    name  = "vpcId"
    value = module.vpc.vpc_id
  }

  depends_on = [aws_eks_addon.coredns, aws_eks_addon.pod_identity_agent, module.load_balancer_controller_identity]
}

# The ingress NLB belongs to the cilium-ingress Service of Cilium's release, and only the controller deletes it (with
# its security groups and the rules it added to the nodes' group). Destroy removes this step before the controller, so
# the step deletes the Service and waits until the controller has released its finalizer, that is, deleted the NLB.
resource "terraform_data" "ingress_load_balancer" {
  input = {
    cluster   = module.eks.cluster_name
    region    = var.region
    namespace = helm_release.cilium.namespace
    service   = "cilium-ingress"
  }

  provisioner "local-exec" {
    when    = destroy
    command = <<-EOT
      set -e
      kubeconfig=$(mktemp)
      trap 'rm -f "$kubeconfig"' EXIT
      aws eks update-kubeconfig --region ${self.input.region} --name ${self.input.cluster} --kubeconfig "$kubeconfig"
      kubectl --kubeconfig "$kubeconfig" -n ${self.input.namespace} delete service ${self.input.service} --ignore-not-found --wait --timeout 10m
    EOT
  }

  depends_on = [helm_release.aws_load_balancer_controller]
}

resource "helm_release" "kube_prometheus_stack" {
  name             = "kube-prometheus-stack"
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = local.charts.kube_prometheus_stack
  namespace        = "prometheus"
  create_namespace = true
  values           = [file("${path.module}/values/kube-prometheus-stack.yaml")]

  depends_on = [helm_release.aws_load_balancer_controller]
}

resource "helm_release" "tetragon" {
  name       = "tetragon"
  repository = "https://helm.cilium.io"
  chart      = "tetragon"
  version    = local.charts.tetragon
  namespace  = "kube-system"
  # Only the app namespace's process executions reach the logs, and so Loki. The allow list is structured (a JSON
  # line), so it goes through values: set would parse it with Helm's --set syntax and split it on its commas.
  values = [
    file("${path.module}/values/tetragon.yaml"),
    yamlencode({
      tetragon = {
        exportAllowList = jsonencode({ event_set = ["PROCESS_EXEC", "PROCESS_EXIT"], namespace = [var.app_namespace] })
      }
    }),
  ]

  depends_on = [helm_release.kube_prometheus_stack, helm_release.aws_load_balancer_controller]
}

resource "helm_release" "loki" {
  name             = "loki"
  repository       = "https://grafana.github.io/helm-charts"
  chart            = "loki"
  version          = local.charts.loki
  namespace        = "loki"
  create_namespace = true
  values           = [file("${path.module}/values/loki.yaml")]

  set {
    name  = "loki.storage.bucketNames.chunks"
    value = aws_s3_bucket.loki.bucket
  }
  set {
    name  = "loki.storage.bucketNames.ruler"
    value = aws_s3_bucket.loki.bucket
  }
  set {
    name  = "loki.storage.bucketNames.admin"
    value = aws_s3_bucket.loki.bucket
  }
  set {
    name  = "loki.storage.s3.region"
    value = var.region
  }

  depends_on = [helm_release.aws_load_balancer_controller, module.loki_identity]
}

resource "helm_release" "alloy" {
  name       = "alloy"
  repository = "https://grafana.github.io/helm-charts"
  chart      = "alloy"
  version    = local.charts.alloy
  namespace  = "loki"
  values     = [file("${path.module}/values/alloy.yaml")]

  depends_on = [helm_release.loki, helm_release.aws_load_balancer_controller]
}
