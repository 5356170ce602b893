import { execFileSync } from "node:child_process";

/** Where a certificate and its key are written (the shape of the proxy's TlsFiles). */
export interface CertificateFiles {
  certificate: string;
  key: string;
}

/** Writes a one-day self-signed RSA certificate for `commonName` and its unencrypted key, with openssl. */
export function writeSelfSignedCertificate(commonName: string, files: CertificateFiles): void {
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${commonName}`,
      "-keyout",
      files.key,
      "-out",
      files.certificate,
    ],
    { stdio: "pipe" },
  );
}
