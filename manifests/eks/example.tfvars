region             = "eu-west-1"
cluster_name       = "nutrition"
kubernetes_version = "1.35"

availability_zone_count = 3
node_instance_types     = ["m6i.large", "m5.large"]
node_ami_type           = "AL2023_x86_64_STANDARD"
node_min_size           = 3
node_max_size           = 6
node_desired_size       = 3

app_namespace = "nutrition"

# The certificate of your public host name (README, Get a certificate); this one is only an example.
ingress_certificate_arn = "arn:aws:acm:eu-west-1:111122223333:certificate/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"

admin_principal_arns = []

tags = {
  Owner = "platform-team"
}
