/*
 * auth/password.c - password hashes with argon2id and passwords we make
 * up. Hashes are libsodium's self-describing strings ("$argon2id$v=19$m=
 * 65536,t=2,p=1$salt$hash"), so older hashes keep verifying if the limits
 * below change. The limits are libsodium's "interactive" ones: measured on
 * the development machine (AMD EPYC, 2 cores, libsodium 1.0.18) one hash
 * or one verification takes about 110 ms and 64 MiB, which is the cost of
 * every sign-in and the reason failed ones are rate-limited (ratelimit.c).
 * API requests never pay it: bearer tokens are random and checked by their
 * SHA-256 (secret.c).
 */
#include <sodium.h>
#include <string.h>

#include "auth/auth.h"
#include "core/rc.h"

_Static_assert(AUTH_HASH_MAX >= crypto_pwhash_STRBYTES, "AUTH_HASH_MAX below the hash size");

#define PW_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

/*
 * Verified against when an account has no hash, so that an unknown name
 * costs what a wrong password costs. Its password is of no use: the
 * verification's result is thrown away.
 */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$aaH5WVkozL8FruGgV0dY7w$"
    "VyKNWWUcVbdCEsraRWqYLQy4Z93SOOuV1iQX527I/jw";

/* Lowercase letters and digits that no font confuses: no 0 o 1 l i. */
static const char pw_alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";

int
auth_password_hash(const char *password, char *out, size_t out_size)
{
    size_t len;

    if (password == NULL || out == NULL || out_size < crypto_pwhash_STRBYTES)
        return RC_INVALID;
    len = strlen(password);
    if (len > crypto_pwhash_PASSWD_MAX)
        return RC_INVALID;
    /* Fails only when the 64 MiB cannot be had. */
    if (crypto_pwhash_str_alg(out, password, len, PW_OPSLIMIT, PW_MEMLIMIT,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        out[0] = '\0';
        return RC_NOMEM;
    }
    return RC_OK;
}

int
auth_password_verify(const char *hash, const char *password)
{
    size_t len;

    if (password == NULL)
        password = "";
    len = strlen(password);
    if (hash == NULL || hash[0] == '\0') {
        if (crypto_pwhash_str_verify(dummy_hash, password, len) != 0)
            return -1;
        return -1; /* even if someone typed the dummy's password */
    }
    /* libsodium reads a hash as a char[crypto_pwhash_STRBYTES]: a longer one is not ours. */
    if (strnlen(hash, crypto_pwhash_STRBYTES) == crypto_pwhash_STRBYTES)
        return -1;
    return crypto_pwhash_str_verify(hash, password, len) == 0 ? 0 : -1;
}

int
auth_password_generate(char *out, size_t out_size)
{
    const uint32_t n = (uint32_t)(sizeof(pw_alphabet) - 1);
    size_t i, at = 0;

    if (out == NULL || out_size < AUTH_PASSWORD_SIZE)
        return RC_INVALID;
    for (i = 0; i < 20; i++) {
        if (i > 0 && i % 5 == 0)
            out[at++] = '-';
        out[at++] = pw_alphabet[randombytes_uniform(n)]; /* uniform: no modulo bias */
    }
    out[at] = '\0';
    return RC_OK;
}
