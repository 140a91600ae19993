// The local trace intake: decode, ASM event extraction, and the HTTP server.
export {
  decodeTraces,
  decodeTracesSliced,
  scanMsgpack,
  DecodeError,
  PayloadTooComplex,
  DECODE_LIMITS,
  type DecodeLimits,
  type Span,
  type TraceApiVersion,
} from './decode';
export { asmEventOf, isAsmSpan, parseAppsecJson, type AsmEvent, type AsmTrigger, type AsmMatch } from './events';
export {
  startIntake,
  isLocalHostHeader,
  browserRequestReason,
  mediaType,
  spanBytes,
  INTAKE_VERSION,
  INTAKE_ENDPOINTS,
  DEFAULT_INTAKE_PORT,
  type Intake,
  type IntakeOptions,
  type IntakeStats,
  type ReceivedTrace,
} from './server';
