/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/core/test_strtod.c - pq_decimal_to_double and
 * pq_decimal_to_double_truncated give, bit for bit, what glibc strtod (a
 * correctly rounded reference) gives, or false.  Texts are scanned the way
 * io/json_pull.c scans numbers (first 19 significant digits in m, power of
 * ten e10, `exact` when no nonzero digit was dropped) and converted with
 * the code proposed for its number_double, without Clinger's fast path in
 * front so that every text reaches the new code:
 *   - 5M random texts of 1-19 significant digits, exponents -350..310
 *     (subnormals, underflow to 0, overflow to inf included);
 *   - "%.17g", "%.16g", "%.15g" of 2M random bit patterns;
 *   - every q in [-342, 308] (every table entry) with random w up to
 *     2^64 - 1, and with the w next to each power of two (binade change,
 *     carries into the top bit), through the API directly;
 *   - exact halfway points between neighbouring doubles: with at most 19
 *     digits (2^53 + 1, 2^52 + 0.5, ...) they must convert (ties to even),
 *     longer ones (printed exactly from long double) must give false or
 *     the right value, and so must the same texts nudged up;
 *   - DBL_MAX, DBL_MIN, the smallest subnormal and the texts around their
 *     rounding boundaries; zeros with any exponent; texts of 20-40 digits
 *     and "%.25g"/"%.40g" of random doubles (truncated variant);
 *   - independence from the FPU rounding mode; *out untouched on false.
 * The number of false returns is counted per group and bounded.
 *
 * `test_strtod full` runs the random groups at the sizes above, plain
 * `test_strtod` (ctest) at a fifth; `test_strtod bench` times strtod
 * against scan + conversion on "%.17g" texts.
 */
#include "harness.h"
#include "core/strtod.h"

#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <time.h>

/* `test_strtod full` runs the random groups at full size (5M short
 * texts, 2M bit patterns per format, 1.5M long texts: ~25 s at -O2);
 * ctest runs a fifth of each. */
static long scale = 5;

static uint64_t rng_state;
static uint64_t rng(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Du;
}

static uint64_t to_bits(double v)
{
    uint64_t b;
    memcpy(&b, &v, 8);
    return b;
}

static double from_bits(uint64_t b)
{
    double v;
    memcpy(&v, &b, 8);
    return v;
}

/* ------------------------------------------- scanning as json_pull does */

/* json_pull.c's numscan: m holds the first 19 significant digits; the
 * value is m x 10^e10 exactly when `exact`, else in (m, m + 1) x 10^e10. */
typedef struct numscan {
    uint64_t m;
    int nd;          /* significant digits seen (leading zeros excluded) */
    int64_t e10;
    bool exact;
} numscan;

static void int_digit(numscan *ns, char c)
{
    if (ns->nd == 0 && c == '0') return; /* json allows one leading 0 only */
    if (ns->nd < 19) ns->m = ns->m * 10 + (uint64_t)(c - '0');
    else {
        ns->e10++;
        ns->exact = false;
    }
    ns->nd++;
}

static void frac_digit(numscan *ns, char c)
{
    if (ns->nd == 0 && c == '0') { ns->e10--; return; }
    if (ns->nd < 19) {
        ns->m = ns->m * 10 + (uint64_t)(c - '0');
        ns->e10--;
    } else if (c != '0') ns->exact = false;
    ns->nd++;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Scans a number text ([-]digits[.digits][e[+-]digits]) into *ns, *neg. */
static void scan(const char *s, numscan *ns, bool *neg)
{
    *ns = (numscan){0, 0, 0, true};
    *neg = *s == '-';
    s += *neg || *s == '+';
    while (is_digit(*s)) int_digit(ns, *s++);
    if (*s == '.') {
        s++;
        while (is_digit(*s)) frac_digit(ns, *s++);
    }
    if ((*s | 0x20) == 'e') {
        s++;
        bool eneg = *s == '-';
        if (*s == '+' || *s == '-') s++;
        int64_t ev = 0;
        for (; is_digit(*s); s++)
            if (ev < 100000000) ev = ev * 10 + (*s - '0');
        ns->e10 += eneg ? -ev : ev;
    }
}

/* The conversion proposed for json_pull.c's number_double (after its
 * Clinger fast path): false means "use strtod on the text". */
static bool convert(const numscan *ns, bool neg, double *d)
{
    return ns->exact ? pq_decimal_to_double(ns->m, ns->e10, neg, d)
                     : pq_decimal_to_double_truncated(ns->m, ns->e10, neg, d);
}

/* --------------------------------------------------- comparison */

typedef struct stats {
    long n, falses, wrong;
} stats;

/* Converts `text` as above; a true result must equal strtod's bits. */
static void check_text(const char *text, stats *st)
{
    numscan ns;
    bool neg;
    scan(text, &ns, &neg);
    double want = strtod(text, NULL), got = 12345.0;
    st->n++;
    if (!convert(&ns, neg, &got)) {
        st->falses++;
        if (got != 12345.0) st->wrong++; /* *out must stay untouched */
        return;
    }
    if (to_bits(got) == to_bits(want)) return;
    if (st->wrong++ < 10)
        fprintf(stderr, "  [%s] %s: got %a (0x%016llx), strtod %a (0x%016llx)\n", harness_case, text, got,
                (unsigned long long)to_bits(got), want, (unsigned long long)to_bits(want));
}

static void report(const char *what, const stats *st)
{
    printf("  %-44s %9ld values, %6ld false (%.4f%%), %ld wrong\n", what, st->n, st->falses,
           st->n ? 100.0 * (double)st->falses / (double)st->n : 0.0, st->wrong);
}

/* Random text of nd significant digits (first nonzero), a random decimal
 * point position and sign, value digits x 10^e. */
static void random_text(char *text, size_t cap, int nd, int e)
{
    char d[48];
    d[0] = (char)('1' + rng() % 9);
    for (int k = 1; k < nd; k++) d[k] = (char)('0' + rng() % 10);
    int point = (int)(rng() % (uint64_t)(nd + 1)); /* digits before the point */
    const char *sign = rng() & 1 ? "-" : "";
    if (point == nd) snprintf(text, cap, "%s%.*se%d", sign, nd, d, e);
    else if (point == 0) snprintf(text, cap, "%s0.%.*se%d", sign, nd, d, e + nd);
    else snprintf(text, cap, "%s%.*s.%.*se%d", sign, point, d, nd - point, d + point, e + nd - point);
}

/* ------------------------------------------------------------- cases */

TEST(random_short_texts)
{
    stats st = {0, 0, 0}, sub = {0, 0, 0};
    rng_state = 0x243F6A8885A308D3u;
    char text[64];
    for (long i = 0; i < 5000000 / scale; i++) {
        int nd = 1 + (int)(rng() % 19);
        int e = (int)(rng() % 661) - 350; /* value exponent -350..310 */
        random_text(text, sizeof text, nd, e);
        check_text(text, e + nd < -300 ? &sub : &st);
    }
    report("1-19 digits, exponents -350..310", &st);
    report("  of which below 1e-300 (subnormal, zero)", &sub);
    CHECK(st.wrong == 0 && sub.wrong == 0);
    CHECK(st.falses == 0 && sub.falses == 0);
    CHECK(st.n + sub.n == 5000000 / scale && sub.n > 200000 / scale);
}

TEST(printed_bit_patterns)
{
    static const char *const formats[] = {"%.17g", "%.16g", "%.15g"};
    for (size_t f = 0; f < 3; f++) {
        stats st = {0, 0, 0};
        rng_state = 0x13198A2E03707344u;
        char text[64];
        while (st.n < 2000000 / scale) {
            double v = from_bits(rng());
            if (!isfinite(v)) continue;
            snprintf(text, sizeof text, formats[f], v);
            check_text(text, &st);
        }
        char what[64];
        snprintf(what, sizeof what, "%s of random bit patterns", formats[f]);
        report(what, &st);
        CHECK(st.wrong == 0);
        CHECK(st.falses == 0);
    }
}

/* Every table entry: random w of every magnitude (up to 2^64 - 1) times
 * 10^q for every q in [-345, 311], through the API. */
TEST(every_power_of_ten)
{
    stats st = {0, 0, 0};
    rng_state = 0xA4093822299F31D0u;
    for (int q = -345; q <= 311; q++) {
        for (int k = 0; k < 300; k++) {
            uint64_t w = rng() >> (rng() % 64);
            if (k == 0) w = UINT64_MAX;
            if (k == 1) w = 1;
            if (k == 2) w = 9999999999999999999u;
            char text[48];
            snprintf(text, sizeof text, "%llue%d", (unsigned long long)w, q);
            double want = strtod(text, NULL), got = 0;
            st.n++;
            if (!pq_decimal_to_double(w, q, false, &got)) st.falses++;
            else if (to_bits(got) != to_bits(want) && st.wrong++ < 10)
                fprintf(stderr, "  %s: got %a, strtod %a\n", text, got, want);
        }
    }
    report("w < 2^64 x 10^q, every q in -345..311", &st);
    CHECK(st.wrong == 0);
    CHECK(st.falses == 0);
}

/* w x 10^q next to a power of two 2^j, w in [2^63, 2^64): the binade
 * changes there, and the 128-bit product may carry into its top bit only
 * after the second multiplication.  w is found from a long double
 * estimate of 2^j / 10^q (off by a few units at most), +-64 around it. */
TEST(binade_boundaries)
{
    stats st = {0, 0, 0};
    for (int q = -342; q <= 308; q++) {
        int j = (int)floor(q * 3.321928094887362) + 64;
        long double x = ldexpl(1.0L, j) / powl(10.0L, q);
        for (int k = -64; k <= 64; k++) {
            long double c = x + k;
            if (c < 0x1p63L || c >= 0x1p64L) continue;
            uint64_t w = (uint64_t)c;
            char text[48];
            snprintf(text, sizeof text, "%llue%d", (unsigned long long)w, q);
            double want = strtod(text, NULL), got = 0;
            st.n++;
            if (!pq_decimal_to_double(w, q, false, &got)) st.falses++;
            else if (to_bits(got) != to_bits(want) && st.wrong++ < 10)
                fprintf(stderr, "  %s: got %a, strtod %a\n", text, got, want);
        }
    }
    report("w x 10^q next to 2^j, every q", &st);
    CHECK(st.wrong == 0);
    CHECK(st.falses == 0 && st.n > 80000);
}

/* Exact halfway points with at most 19 digits convert (to the even
 * neighbour); all values are small enough to check against fixed bits. */
TEST(short_halfway_points)
{
    static const struct {
        const char *text;
        double want;
    } cases[] = {
        {"9007199254740993", 9007199254740992.0},   /* 2^53 + 1: tie, down to even */
        {"9007199254740995", 9007199254740996.0},   /* 2^53 + 3: tie, up to even */
        {"9007199254740993.0000", 9007199254740992.0},
        {"9007199254740993.001", 9007199254740994.0}, /* just above the tie, 19 digits */
        {"9007199254740992.999", 9007199254740992.0}, /* just below */
        {"4503599627370496.5", 4503599627370496.0}, /* 2^52 + 1/2: tie, q = -1 */
        {"4503599627370497.5", 4503599627370498.0},
        {"2251799813685248.25", 2251799813685248.0}, /* 2^51 + 1/4, q = -2 */
        {"2251799813685248.75", 2251799813685249.0},
        {"1125899906842624.125", 1125899906842624.0}, /* q = -3 */
        {"562949953421312.0625", 562949953421312.0},  /* q = -4 */
        {"18014398509481986", 18014398509481984.0},  /* 2^54 + 2 */
        {"18446744073709551615", 18446744073709551616.0}, /* 2^64 - 1, 20 digits */
        {"0.50000000000000000", 0.5},                /* dyadic, q = -17 */
        {"0.1250000000000000000", 0.125},
        {"5e-1", 0.5},
        {"1e23", 1e23},                              /* not a tie: 1e23 is inexact */
        {"8.98846567431158e307", 8.98846567431158e307},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        numscan ns;
        bool neg;
        scan(cases[i].text, &ns, &neg);
        double got = -1;
        CHECK(convert(&ns, neg, &got));
        if (to_bits(got) != to_bits(cases[i].want))
            fprintf(stderr, "  %s: got %.17g, want %.17g\n", cases[i].text, got, cases[i].want);
        CHECK(to_bits(got) == to_bits(cases[i].want));
        CHECK(to_bits(got) == to_bits(strtod(cases[i].text, NULL)));
    }
    /* random ties with at most 19 digits: (2M + 1) x 2^(k-1) for M a 53-bit
     * mantissa, k in -4..10 (integers up to 2^64, fractions of 2^-5) */
    stats st = {0, 0, 0};
    rng_state = 0x082EFA98EC4E6C89u;
    char text[64];
    for (int i = 0; i < 200000; i++) {
        uint64_t odd = ((rng() >> 11) | (1ull << 53) | 1) & ((1ull << 54) - 1); /* 54 bits, odd */
        int k = (int)(rng() % 15) - 5;
        if (k >= 0) snprintf(text, sizeof text, "%llu", (unsigned long long)(odd << k));
        else {
            /* odd / 2^-k exactly: integer part and -k fraction digits */
            uint64_t ip = odd >> -k, fr = odd & ((1ull << -k) - 1);
            uint64_t p5 = 1;
            for (int j = 0; j < -k; j++) p5 *= 5; /* fr / 2^-k = fr 5^-k / 10^-k */
            snprintf(text, sizeof text, "%llu.%0*llu", (unsigned long long)ip, -k,
                     (unsigned long long)(fr * p5));
        }
        size_t sig = strlen(text) - (k < 0); /* no leading zero: ip > 0 */
        if (sig > 19) continue;              /* 20 digits go the truncated way */
        check_text(text, &st);
    }
    report("exact ties of at most 19 digits", &st);
    CHECK(st.wrong == 0);
    CHECK(st.falses == 0 && st.n > 150000);
}

/* Exact midpoints between neighbouring doubles, printed in full (up to
 * ~770 digits) from long double, which holds them exactly on x86-64; and
 * the same texts with a last digit nudged.  False or exact, never wrong. */
TEST(long_halfway_points)
{
#if LDBL_MANT_DIG >= 64 && LDBL_MIN_EXP <= -16000
    stats st = {0, 0, 0}, up = {0, 0, 0};
    rng_state = 0x452821E638D01377u;
    static char text[1200];
    for (int i = 0; i < 20000; i++) {
        uint64_t b = rng() & ~(1ull << 63);
        if (i % 4 == 0) b &= (1ull << 52) - 1; /* subnormals too */
        double v = from_bits(b), next = nextafter(v, INFINITY);
        if (!isfinite(next)) continue;
        long double mid = ((long double)v + (long double)next) / 2;
        snprintf(text, sizeof text, "%.1100Le", mid);
        char *e = strchr(text, 'e');
        char *last = e - 1;
        while (*last == '0') last--; /* the exact expansion ends here */
        size_t elen = strlen(e);
        memmove(last + 1, e, elen + 1);
        check_text(text, &st);
        /* nudged: the digit after the last one set to 1 (just above the tie) */
        memmove(last + 2, last + 1, elen + 1);
        last[1] = '1';
        check_text(text, &up);
    }
    report("exact long midpoints (>= 20 digits mostly)", &st);
    report("midpoints + 1 unit in a further digit", &up);
    CHECK(st.wrong == 0 && up.wrong == 0);
    CHECK(st.n > 19000 && st.falses > st.n / 2); /* a tie straddles w, w + 1 */
#else
    CHECK(1);
#endif
}

TEST(extremes)
{
    static const char *const texts[] = {
        "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1.797693134862315807e308",
        "1.797693134862315808e308", "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999999999999999999999999999999999999999999999999999999999999999999", "1e308", "1e309", "9.999999999999999999e308",
        "2.2250738585072014e-308", "2.2250738585072011e-308", "2.2250738585072009e-308", "2.225073858507201136e-308",
        "4.9406564584124654e-324", "5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
        "2.47032822920623272088e-324", "2.470328229206232720882e-324", "7.4109846876186981626e-324", "1e-324",
        "3e-324", "1e-342", "18446744073709551615e-343", "18446744073709551615e-342", "1e-400", "1e400",
        "-1.7976931348623157e308", "-4.9406564584124654e-324", "-1e-400", "-1e400", "1e-22", "1e22", "1e23",
        "123456789012345678901234567890", "0.0000000000000000000000000000000000123456789012345678901234567890",
    };
    stats st = {0, 0, 0};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) check_text(texts[i], &st);
    report("DBL_MAX, DBL_MIN, subnormal min and neighbours", &st);
    CHECK(st.wrong == 0);
    /* false: the four texts of more than 19 digits that sit at a rounding
     * boundary (DBL_MAX + 1/2 ulp - epsilon, 2^-1075 and 3 x 2^-1075) */
    CHECK(st.falses == 4);
    /* direct calls at the ends of the table */
    double d = 0;
    CHECK(pq_decimal_to_double(UINT64_MAX, -343, false, &d) && to_bits(d) == 0);
    CHECK(pq_decimal_to_double(UINT64_MAX, -343, true, &d) && to_bits(d) == 1ull << 63);
    CHECK(pq_decimal_to_double(1, 309, false, &d) && d == INFINITY);
    CHECK(pq_decimal_to_double(1, 309, true, &d) && d == -INFINITY);
    CHECK(pq_decimal_to_double(1, INT64_MAX, false, &d) && d == INFINITY);
    CHECK(pq_decimal_to_double(1, INT64_MIN, false, &d) && to_bits(d) == 0);
    CHECK(pq_decimal_to_double(17976931348623157u, 292, false, &d) && d == DBL_MAX);
    CHECK(pq_decimal_to_double(17976931348623159u, 292, false, &d) && d == INFINITY);
    CHECK(pq_decimal_to_double(22250738585072014u, -324, false, &d) && d == DBL_MIN);
    CHECK(pq_decimal_to_double(49406564584124654u, -340, false, &d) && d == from_bits(1));
    CHECK(pq_decimal_to_double(24703282292062328u, -340, false, &d) && d == from_bits(1));
    CHECK(pq_decimal_to_double(24703282292062327u, -340, false, &d) && to_bits(d) == 0);
}

TEST(zeros)
{
    static const char *const texts[] = {"0", "-0", "0.0", "-0.0", "0e0", "0e999999999", "-0e-999999999",
                                        "0.0000000000000000000000000000000000e5", "-0.000e-400", "0E+308"};
    stats st = {0, 0, 0};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) check_text(texts[i], &st);
    CHECK(st.wrong == 0 && st.falses == 0);
    for (int64_t q = -1000; q <= 1000; q += 7) {
        double d = 1;
        CHECK(pq_decimal_to_double(0, q, false, &d) && to_bits(d) == 0);
        CHECK(pq_decimal_to_double(0, q, true, &d) && to_bits(d) == 1ull << 63);
    }
}

/* Texts of more than 19 significant digits go through the truncated
 * variant; false when a rounding boundary lies between w and w + 1. */
TEST(long_texts)
{
    stats st = {0, 0, 0}, pr = {0, 0, 0};
    rng_state = 0xBE5466CF34E90C6Cu;
    char text[96];
    for (long i = 0; i < 1000000 / scale; i++) {
        int nd = 20 + (int)(rng() % 21);
        int e = (int)(rng() % 661) - 350;
        random_text(text, sizeof text, nd, e);
        check_text(text, &st);
    }
    for (long i = 0; i < 500000 / scale;) {
        double v = from_bits(rng());
        if (!isfinite(v)) continue;
        snprintf(text, sizeof text, i & 1 ? "%.25g" : "%.40g", v);
        check_text(text, &pr);
        i++;
    }
    report("20-40 random digits, exponents -350..310", &st);
    report("%.25g / %.40g of random bit patterns", &pr);
    CHECK(st.wrong == 0 && pr.wrong == 0);
    CHECK(st.falses < st.n / 100 && pr.falses < pr.n / 100);
    /* the brief's example, and one with a nonzero 21st digit */
    numscan ns;
    bool neg;
    double d = 0;
    scan("0.00023000000000000017", &ns, &neg);
    CHECK(ns.exact && ns.nd == 17 && ns.m == 23000000000000017u && ns.e10 == -20);
    CHECK(convert(&ns, neg, &d) && to_bits(d) == to_bits(strtod("0.00023000000000000017", NULL)));
    scan("0.00023000000000000017000000001", &ns, &neg);
    CHECK(!ns.exact && ns.nd == 26 && ns.m == 2300000000000001700u && ns.e10 == -22);
    CHECK(convert(&ns, neg, &d) && to_bits(d) == to_bits(strtod("0.00023000000000000017", NULL)));
    /* UINT64_MAX has no w + 1 */
    CHECK(!pq_decimal_to_double_truncated(UINT64_MAX, 0, false, &d));
}

/* The result does not depend on the FPU rounding mode (bits are built
 * directly), while strtod follows it: compare with round-to-nearest. */
TEST(rounding_mode_independent)
{
    static const uint64_t ws[] = {1, 3, 9007199254740993u, 17976931348623157u, 49406564584124654u, 12345678901234567u};
    static const int qs[] = {-1, -300, 0, 292, -340, -5};
    int modes[] = {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
        double nearest = 0;
        CHECK(pq_decimal_to_double(ws[i], qs[i], false, &nearest));
        for (size_t m = 0; m < 3; m++) {
            double d = 0;
            fesetround(modes[m]);
            bool ok = pq_decimal_to_double(ws[i], qs[i], false, &d);
            fesetround(FE_TONEAREST);
            CHECK(ok && to_bits(d) == to_bits(nearest));
        }
    }
}

/* ------------------------------------------------------------- bench */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best of 5 passes over n texts (n small enough to stay in cache): strtod,
 * scan + convert (+ strtod on false, as json_pull would), convert only. */
static void bench_set(const char *kind, char **texts, size_t n)
{
    numscan *ns = malloc(n * sizeof *ns);
    bool *neg = malloc(n);
    if (!ns || !neg) exit(1);
    for (size_t i = 0; i < n; i++) scan(texts[i], &ns[i], &neg[i]);
    double sink = 0, best[3] = {1e9, 1e9, 1e9};
    long falses = 0;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now_s();
        for (size_t i = 0; i < n; i++) sink += strtod(texts[i], NULL);
        double t1 = now_s();
        for (size_t i = 0; i < n; i++) {
            numscan s;
            bool ng;
            double d;
            scan(texts[i], &s, &ng);
            if (!convert(&s, ng, &d)) {
                d = strtod(texts[i], NULL);
                falses++;
            }
            sink += d;
        }
        double t2 = now_s();
        for (size_t i = 0; i < n; i++) {
            double d;
            if (!convert(&ns[i], neg[i], &d)) d = 0;
            sink += d;
        }
        double t3 = now_s();
        double dt[3] = {t1 - t0, t2 - t1, t3 - t2};
        for (int k = 0; k < 3; k++)
            if (dt[k] < best[k]) best[k] = dt[k];
    }
    double k = 1e9 / (double)n;
    printf("%-30s strtod %6.1f ns   scan+convert %5.1f ns   convert only %5.1f ns   (%ld false) [%g]\n", kind,
           best[0] * k, best[1] * k, best[2] * k, falses / 5, sink != sink ? 0.0 : 1.0);
    free(ns);
    free(neg);
}

static int bench(void)
{
    size_t n = 100000;
    char **texts = malloc(n * sizeof *texts);
    char *pool = malloc(n * 48);
    if (!texts || !pool) return 1;
    static const char *const fmt[] = {"%.17g", "%.15g", "%.20g"};
    static const char *const names[] = {"%.17g of random bit patterns", "%.15g of random bit patterns",
                                        "%.20g of random bit patterns"};
    for (int f = 0; f < 3; f++) {
        rng_state = 42;
        for (size_t i = 0; i < n;) {
            double v = from_bits(rng());
            if (!isfinite(v)) continue;
            texts[i] = pool + i * 48;
            snprintf(texts[i], 48, fmt[f], v);
            i++;
        }
        bench_set(names[f], texts, n);
    }
    rng_state = 43;
    for (size_t i = 0; i < n; i++) { /* prices in [0, 1000) with 17 digits */
        texts[i] = pool + i * 48;
        snprintf(texts[i], 48, "%.17g", (double)(rng() >> 11) / 9007199254740992.0 * 1000.0);
    }
    bench_set("%.17g of uniform [0, 1000)", texts, n);
    free(texts);
    free(pool);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "bench") == 0) return bench();
    if (argc > 1 && strcmp(argv[1], "full") == 0) scale = 1;
    RUN(random_short_texts);
    RUN(printed_bit_patterns);
    RUN(every_power_of_ten);
    RUN(binade_boundaries);
    RUN(short_halfway_points);
    RUN(long_halfway_points);
    RUN(extremes);
    RUN(zeros);
    RUN(long_texts);
    RUN(rounding_mode_independent);
    return harness_done();
}
