import { describe, expect, it } from '@jest/globals';
import {
  ADMISSION_V1,
  ADMISSION_V1BETA1,
  buildAdmissionResponse,
  encodeAdmissionResponse,
  parseAdmissionReview,
  type AdmissionDecision,
  type ParsedReview,
} from './review.ts';
import { responseWithUid } from './review-cache.ts';

function review(uid: string, apiVersion: string = ADMISSION_V1): ParsedReview {
  return parseAdmissionReview({
    apiVersion,
    kind: 'AdmissionReview',
    request: { uid, namespace: 'team', operation: 'CREATE', object: {} },
  });
}

const PATCHED: AdmissionDecision = {
  allowed: true,
  patch: [{ op: 'add', path: '/metadata/annotations/x~1y', value: { nested: ['ü', '"quoted"', 1] } }],
  warnings: ['unknown annotation "vault.hashicorp.com/rol" (did you mean role?)'],
  injection: 'init_and_sidecar',
  reason: 'injected',
};
const NOTHING: AdmissionDecision = {
  allowed: true,
  patch: [],
  warnings: [],
  injection: 'none',
  reason: 'the pod does not ask for injection',
};
const DENIED: AdmissionDecision = {
  allowed: false,
  message: 'bad "annotation"\nsecond line',
  warnings: ['w1', 'w2'],
  code: 400,
};

describe('encodeAdmissionResponse', () => {
  const cases: [string, ParsedReview, AdmissionDecision][] = [
    ['a patch with warnings, v1', review('uid-1'), PATCHED],
    ['a patch, v1beta1', review('uid-2', ADMISSION_V1BETA1), PATCHED],
    ['no patch', review('uid-3'), NOTHING],
    ['a denial with warnings', review('uid-4'), DENIED],
    ['a uid that needs escaping and is not ASCII', review('ü-"\\-\u2028-\ud800'), PATCHED],
    [
      'a patch whose JSON text the decision kept',
      review('uid-5'),
      { ...PATCHED, patchJson: JSON.stringify(PATCHED.allowed && PATCHED.patch) },
    ],
    ['a patch without warnings', review('uid-6'), { ...PATCHED, warnings: [] }],
  ];
  it.each(cases)('is exactly the JSON of buildAdmissionResponse: %s', (_name, r, decision) => {
    const { bytes } = encodeAdmissionResponse(r, decision);
    expect(bytes.toString('utf8')).toBe(JSON.stringify(buildAdmissionResponse(r, decision)));
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(buildAdmissionResponse(r, decision));
  });

  it.each(cases)('bounds the uid text inside its quotes: %s', (_name, r, decision) => {
    const { bytes, uidStart, uidEnd } = encodeAdmissionResponse(r, decision);
    expect(bytes.toString('utf8', uidStart - 1, uidEnd + 1)).toBe(JSON.stringify(r.uid));
    expect(bytes.toString('utf8', 0, uidStart)).toMatch(/"uid":"$/);
  });

  it('reuses one decision for many requests and keeps each uid and API version', () => {
    const first = encodeAdmissionResponse(review('first'), PATCHED).bytes.toString('utf8');
    const second = encodeAdmissionResponse(review('second', ADMISSION_V1BETA1), PATCHED).bytes.toString('utf8');
    expect(JSON.parse(first)).toEqual(buildAdmissionResponse(review('first'), PATCHED));
    expect(JSON.parse(second)).toEqual(buildAdmissionResponse(review('second', ADMISSION_V1BETA1), PATCHED));
  });

  it('gives, with another plain uid written into the template, the response to that uid', () => {
    for (const decision of [PATCHED, NOTHING, DENIED]) {
      const template = encodeAdmissionResponse(review('3f2a-short'), decision);
      const longer = 'c0ffee00-1111-2222-3333-444455556666';
      expect(Buffer.concat(responseWithUid(template, longer)).toString('utf8')).toBe(
        JSON.stringify(buildAdmissionResponse(review(longer), decision)),
      );
      expect(Buffer.concat(responseWithUid(template, 'x')).toString('utf8')).toBe(
        JSON.stringify(buildAdmissionResponse(review('x'), decision)),
      );
    }
  });

  it('encodes the patch as base64 JSON that decodes to the decision patch', () => {
    const body = JSON.parse(encodeAdmissionResponse(review('u'), PATCHED).bytes.toString('utf8')) as {
      response: { patch: string; patchType: string };
    };
    expect(body.response.patchType).toBe('JSONPatch');
    expect(JSON.parse(Buffer.from(body.response.patch, 'base64').toString('utf8'))).toEqual(
      PATCHED.allowed ? PATCHED.patch : [],
    );
  });
});
