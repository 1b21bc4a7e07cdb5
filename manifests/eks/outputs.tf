output "region" {
  description = "AWS region of the cluster and its registry."
  value       = var.region
}

output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = module.eks.cluster_name
}

output "kubeconfig_command" {
  description = "Writes the cluster to your kubeconfig."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name}"
}

output "ecr_registry" {
  description = "Registry host of the image repositories (the ContainerRegistry of dotnet publish)."
  value       = local.ecr_registry
}

output "ecr_repository_urls" {
  description = "Repository URL of each image."
  value       = { for name, repository in aws_ecr_repository.images : name => repository.repository_url }
}

output "vpc_cidr" {
  description = "CIDR of the VPC: the nodes, the pods and the Cilium ingress's Envoy (ENI mode) take their addresses from it."
  value       = module.vpc.vpc_cidr_block
}

output "image_registry" {
  description = "The value for --Kubernetes:ImageRegistry when generating manifests/kubernetes."
  value       = "${local.ecr_registry}/${var.cluster_name}"
}

output "ingress_hostname_command" {
  description = "Prints the host name of the NLB in front of the Cilium ingress (known once the controller made it)."
  value       = "kubectl -n kube-system get service cilium-ingress -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'"
}
