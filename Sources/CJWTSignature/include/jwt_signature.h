#ifndef GAVEL_JWT_SIGNATURE_H
#define GAVEL_JWT_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

/// Checks an RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature of `message` against the RSA public key
/// given by its big-endian modulus and exponent (a JWK's decoded "n" and "e").
/// Returns 1 when the signature is valid, 0 when it is not, -1 when the key could not be built.
int gavel_rs256_verify(const uint8_t *modulus, size_t modulus_length,
                       const uint8_t *exponent, size_t exponent_length,
                       const uint8_t *message, size_t message_length,
                       const uint8_t *signature, size_t signature_length);

#endif
