"""Fits the polynomial coefficients of the SIMD transcendentals in
cpp/src/kernels/cpu/vector_math.h: weighted minimax fits by Lawson's iteration (iteratively
reweighted least squares) in 60-digit arithmetic (mpmath), printed as C++ literals.

    python tools/fit_vector_math.py            # every fit, float and double
    python tools/fit_vector_math.py erf_tail   # one fit

Each fit names the function approximated, its variable's interval, the weight (so that the
weighted error is the relative error of the final result) and the degrees per precision. The
printed "max weighted error" is that of the exact-coefficient polynomial; the C++ test
(tests/cpp/test_vector_math.cpp) measures the real error in ulps after rounding.
"""

import sys

import mpmath as mp

mp.mp.dps = 60


def lawson_fit(target, weight, powers, lo, hi, center=0, nodes=200, iterations=80):
    """Coefficients c of sum c_k (x - center)^powers[k] minimizing max |weight(x) (target(x) -
    p(x))| on [lo, hi], sampled at Chebyshev points of the second kind."""
    lo, hi = mp.mpf(lo), mp.mpf(hi)
    xs = [lo + (hi - lo) * (1 - mp.cos(mp.pi * i / (nodes - 1))) / 2 for i in range(nodes)]
    fs = [target(x) for x in xs]
    ws = [weight(x) for x in xs]
    basis = [[(x - center) ** p for p in powers] for x in xs]
    lawson = [mp.mpf(1) / nodes] * nodes
    coefficients = None
    for _ in range(iterations):
        k = len(powers)
        normal = mp.zeros(k, k)
        rhs = mp.zeros(k, 1)
        for row, f, w, lw in zip(basis, fs, ws, lawson):
            scale = lw * w * w
            for a in range(k):
                rhs[a] += scale * row[a] * f
                for b in range(a, k):
                    normal[a, b] += scale * row[a] * row[b]
        for a in range(k):
            for b in range(a):
                normal[a, b] = normal[b, a]
        coefficients = mp.lu_solve(normal, rhs)
        errors = [
            abs(w * (f - sum(c * v for c, v in zip(coefficients, row))))
            for row, f, w in zip(basis, fs, ws)
        ]
        total = sum(lw * e for lw, e in zip(lawson, errors))
        lawson = [lw * e / total for lw, e in zip(lawson, errors)]
    worst = max(errors)
    return [coefficients[i] for i in range(len(powers))], worst


LN2 = mp.log(2)
SQRT2 = mp.sqrt(2)
S_MAX = (SQRT2 - 1) / (SQRT2 + 1)


def expm1_core(r):
    # expm1(r) = r + r^2 / 2 + r^3 Q(r)
    if abs(r) < mp.mpf("1e-20"):
        return mp.mpf(1) / 6 + r / 24
    return (mp.expm1(r) - r - r * r / 2) / r**3


def log_core(z):
    # log(1 + f) = 2 atanh(s), s = f / (2 + f): 2 atanh(s) = 2 s + s z P(z), z = s^2
    if z < mp.mpf("1e-30"):
        return mp.mpf(2) / 3 + 2 * z / 5
    s = mp.sqrt(z)
    return (2 * mp.atanh(s) - 2 * s) / (s * z)


def erf_core(z):
    # erf(x) = x P(x^2) for small |x|; z = x^2
    if z < mp.mpf("1e-30"):
        return 2 / mp.sqrt(mp.pi) * (1 - z / 3)
    x = mp.sqrt(z)
    return mp.erf(x) / x


def tanh_core(z):
    # tanh(x) = x + x z P(z), z = x^2
    if z < mp.mpf("1e-30"):
        return -mp.mpf(1) / 3 + 2 * z / 15
    x = mp.sqrt(z)
    return (mp.tanh(x) / x - 1) / z


def erf_tail(t):
    # erfc(x) = exp(-x^2) G(t), t = 1 / (1 + x): G is erfcx, the scaled complementary error
    # function, which is smooth in t
    x = 1 / t - 1
    return mp.erfc(x) * mp.exp(x * x)


# Where tanh's polynomial gives way to expm1(2x) / (expm1(2x) + 2).
TANH_SPLIT = mp.mpf("0.625")
# Where the small-argument and tail forms of erf meet, and where erf rounds to 1.
ERF_SPLIT = mp.mpf("0.75")
ERF_ONE = {"float": mp.mpf("3.95"), "double": mp.mpf("5.95")}

# name: (target, weight, powers by precision, interval by precision[, center by precision])
FITS = {
    "expm1": (expm1_core, lambda r: abs(r) ** 2 / abs(mp.expm1(r) / r) if r != 0 else mp.mpf(0),
              {"float": range(0, 4), "double": range(0, 9)},
              {"float": (-LN2 / 2, LN2 / 2), "double": (-LN2 / 2, LN2 / 2)}),
    "log": (log_core, lambda z: z / 2, {"float": range(0, 3), "double": range(0, 7)},
            {"float": (0, S_MAX**2), "double": (0, S_MAX**2)}),
    "tanh_small": (tanh_core, lambda z: z, {"float": range(0, 5), "double": range(0, 11)},
                   {"float": (0, TANH_SPLIT**2), "double": (0, TANH_SPLIT**2)}),
    "erf_small": (erf_core, lambda z: mp.sqrt(mp.pi) / 2 if z == 0 else mp.sqrt(z) / mp.erf(z**0.5),
                  {"float": range(0, 6), "double": range(0, 11)},
                  {"float": (0, ERF_SPLIT**2), "double": (0, ERF_SPLIT**2)}),
    # weight erfc(x): the error of 1 - erfc(x) relative to erf(x) ~ 1
    "erf_tail": (erf_tail, lambda t: mp.erfc(1 / t - 1),
                 {"float": range(0, 6), "double": range(0, 14)},
                 {p: (1 / (1 + ERF_ONE[p]), 1 / (1 + ERF_SPLIT)) for p in ("float", "double")},
                 # powers of t - center: centred, the coefficients stay small and Horner's
                 # partial sums do not cancel
                 {p: (1 / (1 + ERF_ONE[p]) + 1 / (1 + ERF_SPLIT)) / 2
                  for p in ("float", "double")}),
}


def print_fit(name, precision):
    target, weight, powers, interval, *center = FITS[name]
    lo, hi = interval[precision]
    middle = center[0][precision] if center else 0
    coefficients, worst = lawson_fit(target, weight, list(powers[precision]), lo, hi, middle)
    suffix = "f" if precision == "float" else ""
    digits = 9 if precision == "float" else 17
    print(f"{name} ({precision}) on [{mp.nstr(lo, 8)}, {mp.nstr(hi, 8)}], "
          f"centre {mp.nstr(middle, 17)}, max weighted error {mp.nstr(worst, 3)}")
    for p, c in zip(powers[precision], coefficients):
        print(f"  x^{p}: {mp.nstr(c, digits, min_fixed=-1, max_fixed=1)}{suffix}")
    # The constant term split into a high part and the rest, for callers that add it last.
    import numpy as np

    kind = np.float32 if precision == "float" else np.float64
    high = kind(float(coefficients[0]))
    low = kind(float(coefficients[0] - mp.mpf(float(high))))
    print(f"  x^0 = {high!r} + {low!r}")


def main():
    names = sys.argv[1:] or list(FITS)
    for name in names:
        for precision in ("float", "double"):
            print_fit(name, precision)


if __name__ == "__main__":
    main()
