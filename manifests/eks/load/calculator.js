// k6 load on POST /calculator through the Cilium ingress: BASE_URL=http://<host> k6 run --vus 50 --duration 5m load/calculator.js
import http from "k6/http";
import { check } from "k6";

const baseUrl = __ENV.BASE_URL || "http://health.k8s.cluster.local";
const body = JSON.stringify({ age: 26, weight: 90.0, height: 1.77, gender: "M", activity_intensity: "very_active" });
const params = { headers: { "Content-Type": "application/json" }, timeout: "5s" };

export const options = {
  thresholds: {
    http_req_failed: ["rate<0.01"],
    http_req_duration: ["p(95)<500"],
  },
};

export default function () {
  const response = http.post(`${baseUrl}/calculator`, body, params);
  check(response, {
    "status is 200": (r) => r.status === 200,
    "necessity is the worked example's": (r) => r.json("basal.necessity.value") === 3470.1825000000003,
  });
}
