# One repository per image of manifests/kubernetes, under <cluster>/ so one registry prefix serves them all.
resource "aws_ecr_repository" "images" {
  for_each = toset(var.service_images)

  name                 = "${var.cluster_name}/${each.key}"
  image_tag_mutability = "MUTABLE"
  force_delete         = true

  image_scanning_configuration {
    scan_on_push = true
  }
}

locals {
  # The registry host, taken from a repository URL (<registry>/<cluster>/<image>).
  ecr_registry = split("/", aws_ecr_repository.images[var.service_images[0]].repository_url)[0]
}
