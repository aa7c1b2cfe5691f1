// Checked against AWS's published examples: the SigV4 test suite's "get-vanilla" case and the
// IAM ListUsers example of the SigV4 documentation (canonical request hash, signing key,
// signature), all with AWS's documented example key AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY.
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { amzDate, canonicalRequest, signRequest, signature, signingKey, stringToSign, uriEncode } from './sigv4.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const DATE = new Date(Date.UTC(2015, 7, 30, 12, 36, 0));

describe('SigV4', () => {
  it('get-vanilla: canonical request, string to sign and signature of the AWS test suite', () => {
    const request = {
      method: 'GET',
      url: 'https://example.amazonaws.com/',
      headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
      body: '',
    };
    const scope = { region: 'us-east-1', service: 'service', date: DATE };
    expect(canonicalRequest(request)).toBe(
      'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(stringToSign(request, scope)).toBe(
      'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    );
    expect(signature(request, SECRET, scope)).toBe('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  it('the documentation example (IAM ListUsers): canonical request hash, signing key and signature', () => {
    const request = {
      method: 'GET',
      url: 'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
        Host: 'iam.amazonaws.com',
        'X-Amz-Date': '20150830T123600Z',
      },
      body: '',
    };
    const scope = { region: 'us-east-1', service: 'iam', date: DATE };
    expect(createHash('sha256').update(canonicalRequest(request)).digest('hex')).toBe(
      'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59',
    );
    expect(signingKey(SECRET, scope).toString('hex')).toBe(
      'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9',
    );
    expect(signature(request, SECRET, scope)).toBe('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  });

  it('signRequest adds X-Amz-Date, the session token and an Authorization header naming the signed headers', () => {
    const headers = signRequest(
      {
        method: 'GET',
        url: 'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: '',
      },
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
      { region: 'us-east-1', service: 'iam', date: DATE },
    );
    expect(headers).toEqual({
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      'X-Amz-Date': '20150830T123600Z',
      Authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    });
    const temporary = signRequest(
      {
        method: 'POST',
        url: 'https://sts.amazonaws.com/',
        headers: {},
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      },
      { accessKeyId: 'ASIA', secretAccessKey: SECRET, sessionToken: 'tok' },
      { region: 'us-east-1', service: 'sts', date: DATE },
    );
    expect(temporary['X-Amz-Security-Token']).toBe('tok');
    expect(temporary['Authorization']).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
  });

  it('encodes as RFC 3986 and formats the date as AWS does', () => {
    expect(uriEncode("a b/c~!'()*")).toBe('a%20b%2Fc~%21%27%28%29%2A');
    expect(amzDate(DATE)).toBe('20150830T123600Z');
  });
});
