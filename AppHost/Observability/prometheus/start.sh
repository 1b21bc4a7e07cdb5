#!/bin/sh
# Container entrypoint: turns the services__<name>__http__0 variables Aspire injects for each referenced service
# into Prometheus file_sd targets, puts the rule files (mounted at /etc/prometheus-rules) beside the configuration,
# then starts Prometheus on it.
set -eu

work=/prometheus/config
mkdir -p "$work/targets"
cp /etc/prometheus/prometheus.yml "$work/prometheus.yml"
rm -rf "$work/rules"
cp -R /etc/prometheus-rules "$work/rules"

# Read from /proc: the names hold '-', which the shell drops from the variables it exports to children.
targets=""
for variable in $(tr '\0' '\n' < "/proc/$$/environ" | grep -E '^services__[a-z0-9-]+__http__0=' | sort); do
  name=${variable%%=*}
  url=${variable#*=}
  service=${name#services__}
  service=${service%__http__0}
  address=${url#*://}
  address=${address%%/*}
  targets="$targets${targets:+,}{\"targets\":[\"$address\"],\"labels\":{\"service\":\"$service\"}}"
done
printf '[%s]\n' "$targets" > "$work/targets/services.json"

exec /bin/prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path=/prometheus/data "$@"
