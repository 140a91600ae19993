// What a response says about who answered it: Datadog's block page, and signs of proxies known to block the
// Arachni test (seed 000: AWS API Gateway, Google's Extensible Service Proxy), read from response headers.

/**
 * Datadog's block responses, from dd-trace's templates (packages/dd-trace/src/appsec/blocking/templates.js; the other
 * tracers ship the same texts): JSON `{"errors":[{"title":"You've been blocked","detail":"… Security provided by
 * Datadog."}],"security_response_id":"…"}`, and an HTML page titled "You've been blocked".
 */
export function datadogBlockMarkers(body: string): { blocked: boolean; securityResponseId?: string } {
  const title = body.includes("You've been blocked") || body.includes('You&#39;ve been blocked') || body.includes('You&rsquo;ve been blocked');
  const datadog = /Security provided by\s*(<[^>]{0,200}>\s*)?Datadog/i.test(body.slice(0, 200_000)) || body.includes('security_response_id');
  if (!title || !datadog) return { blocked: false };
  const id =
    /"security_response_id"\s*:\s*"([0-9a-fA-F-]{8,64})"/.exec(body) ?? /Security Response ID:?\s*(?:<[^>]{0,100}>\s*)?([0-9a-fA-F-]{8,64})/.exec(body);
  return id ? { blocked: true, securityResponseId: id[1]! } : { blocked: true };
}

export interface ProxySign {
  /** Who: "AWS API Gateway", "Google (ESP / Google Front End)", … */
  proxy: string;
  /** Known by the seed to block the Arachni test. */
  knownBlocker: boolean;
  /** The headers that gave it away, as `name: value`. */
  evidence: string[];
}

type Headers = Record<string, string>;

interface Signature {
  proxy: string;
  knownBlocker: boolean;
  test: (h: Headers) => string[];
}

const has = (h: Headers, name: string) => (h[name] !== undefined ? [`${name}: ${h[name]}`] : []);
const matches = (h: Headers, name: string, re: RegExp) => (h[name] !== undefined && re.test(h[name]!) ? [`${name}: ${h[name]}`] : []);

// Header names from the vendors' documentation: API Gateway sets x-amzn-RequestId on REST and HTTP APIs,
// x-amz-apigw-id on REST APIs, apigw-requestid on HTTP APIs, x-amzn-ErrorType on the errors it generates itself.
// Google's front ends add `via: 1.1 google` and x-cloud-trace-context; ESP (NGINX) and ESPv2 (Envoy) sit behind them.
const SIGNATURES: Signature[] = [
  {
    proxy: 'AWS API Gateway',
    knownBlocker: true,
    test: (h) => [...has(h, 'x-amz-apigw-id'), ...has(h, 'apigw-requestid'), ...has(h, 'x-amzn-errortype'), ...has(h, 'x-amzn-requestid')],
  },
  {
    proxy: "Google's Extensible Service Proxy or front end",
    knownBlocker: true,
    test: (h) => [
      ...matches(h, 'via', /\bgoogle\b/i),
      ...matches(h, 'server', /^(ESP|Google Frontend|ESF)\b/i),
      ...has(h, 'x-cloud-trace-context'),
      ...has(h, 'x-google-backends'),
    ],
  },
  {
    proxy: 'AWS CloudFront / ALB (possibly with AWS WAF)',
    knownBlocker: false,
    test: (h) => [...has(h, 'x-amz-cf-id'), ...matches(h, 'server', /^awselb\b/i)],
  },
  { proxy: 'Cloudflare', knownBlocker: false, test: (h) => [...has(h, 'cf-ray')] },
  { proxy: 'Envoy', knownBlocker: false, test: (h) => [...matches(h, 'server', /^envoy\b/i), ...has(h, 'x-envoy-upstream-service-time')] },
];

/** Signs of proxies between the user and the service, from lower-cased response headers. */
export function proxySigns(headers: Headers): ProxySign[] {
  const out: ProxySign[] = [];
  for (const s of SIGNATURES) {
    const evidence = s.test(headers);
    if (evidence.length) out.push({ proxy: s.proxy, knownBlocker: s.knownBlocker, evidence });
  }
  return out;
}
