#include "jwt_signature.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

int gavel_rs256_verify(const uint8_t *modulus, size_t modulus_length,
                       const uint8_t *exponent, size_t exponent_length,
                       const uint8_t *message, size_t message_length,
                       const uint8_t *signature, size_t signature_length) {
    int result = -1;
    BIGNUM *n = BN_bin2bn(modulus, (int)modulus_length, NULL);
    BIGNUM *e = BN_bin2bn(exponent, (int)exponent_length, NULL);
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *key_context = NULL;
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *digest_context = NULL;
    if (n == NULL || e == NULL || builder == NULL) goto done;
    if (!OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, n)) goto done;
    if (!OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, e)) goto done;
    params = OSSL_PARAM_BLD_to_param(builder);
    key_context = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (params == NULL || key_context == NULL) goto done;
    if (EVP_PKEY_fromdata_init(key_context) <= 0) goto done;
    if (EVP_PKEY_fromdata(key_context, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0) goto done;
    digest_context = EVP_MD_CTX_new();
    if (digest_context == NULL) goto done;
    if (EVP_DigestVerifyInit(digest_context, NULL, EVP_sha256(), NULL, key) <= 0) goto done;
    // EVP_DigestVerify answers 1 for a valid signature, 0 for an invalid one, negative on other failures.
    result = EVP_DigestVerify(digest_context, signature, signature_length, message, message_length) == 1 ? 1 : 0;
done:
    EVP_MD_CTX_free(digest_context);
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(key_context);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    BN_free(n);
    BN_free(e);
    return result;
}
