import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { InputDrift } from './inputDrift';

/** Latency histogram buckets in seconds, 0.5 ms to 5 s. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Prometheus metrics of one model server, in a registry of its own. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'weft_http_requests_total',
    help: 'HTTP requests answered, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'weft_http_request_errors_total',
    help: 'HTTP requests answered with a 4xx or 5xx status, by route and status code',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'weft_http_request_duration_seconds',
    help: 'Time from receiving a request to sending the response, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly inferRows = new Counter({
    name: 'weft_inference_rows_total',
    help: 'Rows (first dimension of the first input) run through the model',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  readonly inferRequests = new Counter({
    name: 'weft_model_requests_total',
    help: 'Infer requests answered, by model, version and status code',
    labelNames: ['model', 'version', 'status'] as const,
    registers: [this.registry],
  });
  readonly inferErrors = new Counter({
    name: 'weft_model_request_errors_total',
    help: 'Infer requests answered with a 4xx or 5xx status, by model and version',
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });
  readonly inferLatency = new Histogram({
    name: 'weft_model_request_duration_seconds',
    help: 'Infer request latency, by model and version',
    labelNames: ['model', 'version'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly batchRows = new Histogram({
    name: 'weft_model_batch_rows',
    help: 'Rows in each onnxruntime call, by model and version (above 1 per request when dynamic batching stacks requests)',
    labelNames: ['model', 'version'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });

  readonly drift = new InputDrift(this.registry);

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'weft_' });
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.latency.observe({ method, route }, seconds);
    if (status >= 400) this.errors.inc({ route, status: String(status) });
  }

  observeInfer(model: string, version: string, status: number, seconds: number): void {
    this.inferRequests.inc({ model, version, status: String(status) });
    this.inferLatency.observe({ model, version }, seconds);
    if (status >= 400) this.inferErrors.inc({ model, version });
  }
}
