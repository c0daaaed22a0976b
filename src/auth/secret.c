/*
 * auth/secret.c - the random secrets behind bearer tokens and session
 * cookies, and libsodium's start. A secret is 32 bytes from the system's
 * generator, written as 43 base64url characters (the length of Mastodon's
 * tokens); the store keeps only its SHA-256. A secret has 256 bits, so a
 * fast unsalted hash is enough to make a stolen database useless, and a
 * request is checked with one SHA-256 and one indexed lookup instead of an
 * argon2id verification.
 */
#include <sodium.h>
#include <string.h>

#include "auth/auth.h"
#include "core/rc.h"

#define SECRET_BYTES 32

_Static_assert(AUTH_SECRET_SIZE ==
                   sodium_base64_ENCODED_LEN(SECRET_BYTES,
                                             sodium_base64_VARIANT_URLSAFE_NO_PADDING),
               "AUTH_SECRET_SIZE is not the size of 32 bytes in base64url");
_Static_assert(AUTH_SECRET_HASH == crypto_hash_sha256_BYTES, "AUTH_SECRET_HASH is not SHA-256");

int
auth_init(void)
{
    /* 0 the first time, 1 when already done: both fine. Thread-safe. */
    return sodium_init() < 0 ? -1 : 0;
}

void
auth_wipe(void *p, size_t n)
{
    if (p != NULL)
        sodium_memzero(p, n);
}

int
auth_secret_new(char *out, size_t out_size)
{
    unsigned char raw[SECRET_BYTES];

    if (out == NULL || out_size < AUTH_SECRET_SIZE)
        return RC_INVALID;
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, out_size, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    return RC_OK;
}

void
auth_secret_hash(const char *secret, unsigned char out[AUTH_SECRET_HASH])
{
    crypto_hash_sha256(out, (const unsigned char *)secret, strlen(secret));
}

bool
auth_secret_equal(const unsigned char a[AUTH_SECRET_HASH], const unsigned char b[AUTH_SECRET_HASH])
{
    return sodium_memcmp(a, b, AUTH_SECRET_HASH) == 0;
}

bool
auth_secret_wellformed(const char *s)
{
    size_t i;

    for (i = 0; i < AUTH_SECRET_LEN; i++) {
        char c = s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false; /* also stops at a NUL */
    }
    return s[AUTH_SECRET_LEN] == '\0';
}

void
auth_keyed_hash(const unsigned char key[32], const char *s, unsigned char *out, size_t out_len)
{
    crypto_generichash(out, out_len, (const unsigned char *)s, strlen(s), key, 32);
}

bool
auth_pkce_verify(const char *verifier, const char *challenge, const char *method)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    char encoded[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                           sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    size_t len;

    if (verifier == NULL || challenge == NULL)
        return false;
    len = strlen(verifier);
    if (len < 43 || len > 128) /* RFC 7636: 43 to 128 characters */
        return false;
    if (method == NULL || strcmp(method, "plain") == 0)
        return strlen(challenge) == len && sodium_memcmp(verifier, challenge, len) == 0;
    if (strcmp(method, "S256") != 0)
        return false;
    crypto_hash_sha256(digest, (const unsigned char *)verifier, len);
    sodium_bin2base64(encoded, sizeof(encoded), digest, sizeof(digest),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return strlen(challenge) == strlen(encoded) &&
           sodium_memcmp(encoded, challenge, strlen(encoded)) == 0;
}
