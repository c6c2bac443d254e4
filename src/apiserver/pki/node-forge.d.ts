/**
 * The slice of node-forge's API that Wharf's PKI uses: building and signing X.509 certificates.
 * node-forge ships no types of its own; declaring only what is called keeps a second package
 * (@types/node-forge) out of the dependencies and lets the compiler check every call we make.
 */
declare module 'node-forge' {
  namespace forge {
    namespace pki {
      interface PublicKey {
        readonly n: unknown;
        readonly e: unknown;
      }
      interface PrivateKey {
        readonly d: unknown;
      }
      interface CertificateField {
        /** A short name such as `CN` or `O`, or a long one such as `commonName`. */
        shortName?: string;
        name?: string;
        value: string;
      }
      /** An extension as node-forge's encoder takes it: a name plus fields that depend on it. */
      interface Extension {
        name: string;
        critical?: boolean;
        [field: string]: unknown;
      }
      interface Certificate {
        version: number;
        serialNumber: string;
        publicKey: PublicKey;
        validity: { notBefore: Date; notAfter: Date };
        readonly subject: { attributes: CertificateField[] };
        setSubject(attrs: CertificateField[]): void;
        setIssuer(attrs: CertificateField[]): void;
        setExtensions(exts: Extension[]): void;
        sign(key: PrivateKey, md: md.MessageDigest): void;
        /** The SHA-1 of the public key, as the bytes of a forge ByteBuffer. */
        generateSubjectKeyIdentifier(): { getBytes(): string };
      }
      function createCertificate(): Certificate;
      function certificateToPem(cert: Certificate): string;
      function certificateFromPem(pem: string): Certificate;
      function privateKeyFromPem(pem: string): PrivateKey;
      function publicKeyFromPem(pem: string): PublicKey;
    }
    namespace md {
      interface MessageDigest {
        readonly algorithm: string;
      }
      namespace sha256 {
        function create(): MessageDigest;
      }
    }
  }
  export default forge;
}
