/* textfix._fastlm: the trigram scorer's hot loop (Scorer.score, logp) in C, and the hot loops
 * around it: the scan's pass over a text (LM.scan: tokens, forms, fluency; textfix/scan.py), the
 * site gains of the scan and of the full pass (LM.best_gains, LM.site_gains), the phrase look-up
 * by first word (phrases) and detect.estimate_rate's loop (estimate_rate). Each is the same
 * operations in the same order as its Python fallback (tests/test_fastlm.py, tests/test_scan.py).
 *
 * The n-gram model stays pocketsphinx's own: textfix/scoring.py loads it through the C functions
 * that pocketsphinx's extension module exports (ps_config_init, logmath_init, ngram_model_read,
 * ngram_wid, ngram_ng_prob; found with ctypes) and hands their addresses here. So a probability
 * is the very integer pocketsphinx's NGramModel.prob() returns (ngram_prob looks each word up
 * with ngram_wid and calls ngram_ng_prob), and every float is computed as the pure-Python
 * scorer computes it: (double)prob * log10(1.0001), summed word by word in the same order.
 * What is saved is the Python around each look-up (a list, a call into Cython, a cache tuple).
 *
 * Built at install time when a C compiler is there (hatch_build.py); without it, or with
 * TEXTFIX_PURE=1, textfix uses the pure-Python scorer, which gives the same numbers.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

/* every float operation as written, one rounding each, as Python computes it (no fused multiply-add;
 * hatch_build.py passes -ffp-contract=off, which gcc needs; clang also honours the pragma) */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* token flags of fluency(): what textfix.scan reads about each token */
#define F_WORD 1         /* a word (its first character is a letter, digit or '_') */
#define F_NAME 2         /* a name (see below) */
#define F_QUOTE 4        /* inside quotation marks */
#define F_CHUNK 8        /* first word of an n-gram chunk (after punctuation, or the first) */
#define F_BOS 16         /* ... of a chunk that starts a sentence */
#define F_ALPHA 32       /* a word whose first character is a letter (textfix's is_word) */

typedef int32_t (*wid_fn)(void *model, const char *word);
typedef int32_t (*prob_fn)(void *model, int32_t wid, int32_t *history, int32_t n_hist, int32_t *n_used);

/* a direct-mapped cache of look-ups: (word, history, history length) -> log10 probability, 2**16
 * slots (1.5 MB). Measured (farm-bench, whole process, 100 spun BBC articles restored, 5 pairs):
 * 0.94x the CPU time of no cache (0.81-1.04) */
#define CACHE_BITS 16
typedef struct {
    int32_t wid, w1, w2, n;
    double v;
} Slot;

typedef struct {
    PyObject_HEAD
    Slot *cache;
    void *model;
    wid_fn wid;
    prob_fn prob;
    double factor;     /* log10 of the model's log base */
    double oov_logp;   /* what an unknown word (None) scores */
    int32_t eos_wid;   /* "</s>" */
    PyObject *wids;    /* str -> int: word ids, looked up once per word */
    PyObject *eos;     /* the str "</s>" */
} LM;

/* *out = the word id of a str (NGRAM_INVALID_WID, -1, for a word the model lacks); -1 on error */
static int lm_wid(LM *self, PyObject *word, int32_t *out)
{
    PyObject *hit = PyDict_GetItemWithError(self->wids, word);
    if (hit != NULL) {
        *out = (int32_t)PyLong_AsLong(hit);
        return 0;
    }
    if (PyErr_Occurred())
        return -1;
    if (!PyUnicode_Check(word)) {
        PyErr_Format(PyExc_TypeError, "words must be str or None, not %.80s", Py_TYPE(word)->tp_name);
        return -1;
    }
    const char *utf8 = PyUnicode_AsUTF8(word);
    if (utf8 == NULL)
        return -1;
    int32_t wid = self->wid(self->model, utf8);
    PyObject *value = PyLong_FromLong(wid);
    if (value == NULL)
        return -1;
    if (PyDict_Size(self->wids) > 200000)   /* bounded, like the Python caches */
        PyDict_Clear(self->wids);
    int rc = PyDict_SetItem(self->wids, word, value);
    Py_DECREF(value);
    *out = wid;
    return rc;
}

/* log10 P(wid | h1 h2) as the Python scorer's _raw: history of 0, 1 or 2 words */
static inline double lm_raw(LM *self, int32_t wid, int32_t h1, int32_t h2, int n_hist)
{
    if (n_hist < 2)
        h2 = 0;
    if (n_hist < 1)
        h1 = 0;
    uint32_t key = ((uint32_t)wid * 0x9E3779B1u) ^ ((uint32_t)h1 * 0x85EBCA77u) ^ ((uint32_t)h2 * 0xC2B2AE3Du)
                   ^ (uint32_t)n_hist;
    Slot *slot = &self->cache[key >> (32 - CACHE_BITS)];
    if (slot->n == n_hist && slot->wid == wid && slot->w1 == h1 && slot->w2 == h2)
        return slot->v;
    int32_t hist[2] = {h1, h2};
    int32_t n_used;
    double v = (double)self->prob(self->model, wid, hist, n_hist, &n_used) * self->factor;
    slot->wid = wid;
    slot->w1 = h1;
    slot->w2 = h2;
    slot->n = n_hist;
    slot->v = v;
    return v;
}

static int LM_init(LM *self, PyObject *args, PyObject *kwds)
{
    unsigned long long model, wid, prob;
    double factor, oov;
    static char *kwlist[] = {"model", "wid", "prob", "factor", "oov_logp", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "KKKdd", kwlist, &model, &wid, &prob, &factor, &oov))
        return -1;
    if (!model || !wid || !prob) {
        PyErr_SetString(PyExc_ValueError, "null model or function pointer");
        return -1;
    }
    self->model = (void *)(uintptr_t)model;
    self->wid = (wid_fn)(uintptr_t)wid;
    self->prob = (prob_fn)(uintptr_t)prob;
    self->factor = factor;
    self->oov_logp = oov;
    Py_XSETREF(self->wids, PyDict_New());
    Py_XSETREF(self->eos, PyUnicode_InternFromString("</s>"));
    if (self->wids == NULL || self->eos == NULL)
        return -1;
    self->eos_wid = self->wid(self->model, "</s>");
    if (self->cache == NULL) {
        self->cache = PyMem_Calloc((size_t)1 << CACHE_BITS, sizeof(Slot));
        if (self->cache == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    }
    for (size_t k = 0; k < ((size_t)1 << CACHE_BITS); k++)
        self->cache[k].n = -1;
    return 0;
}

static void LM_dealloc(LM *self)
{
    PyMem_Free(self->cache);
    Py_XDECREF(self->wids);
    Py_XDECREF(self->eos);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* the history of the scoring loop: the last two words (None where there is none) and their ids */
typedef struct {
    PyObject *p1, *p2;   /* borrowed */
    int32_t w1, w2;
    int has1, has2;
} Hist;

static int hist_init(LM *self, Hist *h, PyObject *p2, PyObject *p1)
{
    h->p1 = p1;
    h->p2 = p2;
    h->w1 = h->w2 = 0;
    h->has1 = p1 != Py_None;
    h->has2 = h->has1 && p2 != Py_None;
    if (h->has1 && lm_wid(self, p1, &h->w1) < 0)
        return -1;
    if (h->has2 && lm_wid(self, p2, &h->w2) < 0)
        return -1;
    return 0;
}

/* one word of Scorer.score's loop: add its log10 probability to *total, move the history on */
static inline int hist_step(LM *self, Hist *h, PyObject *w, double *total)
{
    if (w == Py_None) {
        *total += self->oov_logp;
        h->p2 = h->p1 = Py_None;
        h->has1 = h->has2 = 0;
        return 0;
    }
    int32_t wid = self->eos_wid;
    if (w != self->eos && lm_wid(self, w, &wid) < 0)
        return -1;
    *total += lm_raw(self, wid, h->w1, h->w2, h->has1 ? (h->has2 ? 2 : 1) : 0);
    h->p2 = h->p1;
    h->w2 = h->w1;
    h->has2 = h->has1;
    h->p1 = w;
    h->w1 = wid;
    h->has1 = 1;
    return 0;
}

/* score(words, p2, p1, eos=False) -> (total, p2, p1): Scorer.score */
static PyObject *LM_score(LM *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 3 || nargs > 4) {
        PyErr_SetString(PyExc_TypeError, "score(words, p2, p1, eos=False)");
        return NULL;
    }
    int eos = nargs == 4 ? PyObject_IsTrue(args[3]) : 0;
    if (eos < 0)
        return NULL;
    PyObject *seq = PySequence_Fast(args[0], "words must be a sequence");
    if (seq == NULL)
        return NULL;
    Hist h;
    double total = 0.0;
    if (hist_init(self, &h, args[1], args[2]) < 0)
        goto error;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t k = 0; k < n; k++)
        if (hist_step(self, &h, items[k], &total) < 0)
            goto error;
    if (eos && hist_step(self, &h, self->eos, &total) < 0)
        goto error;
    PyObject *res = Py_BuildValue("(dOO)", total, h.p2, h.p1);
    Py_DECREF(seq);
    return res;
error:
    Py_DECREF(seq);
    return NULL;
}

/* log10 P(w) with no history, as Scorer.unigram (oov_logp for None); -1 on error */
static int lm_unigram(LM *self, PyObject *w, double *out)
{
    if (w == Py_None) {
        *out = self->oov_logp;
        return 0;
    }
    int32_t wid;
    if (lm_wid(self, w, &wid) < 0)
        return -1;
    *out = lm_raw(self, wid, 0, 0, 0);
    return 0;
}

/* gains(heads, unis, spun, tail, p2, p1, eos, base, length_cost, freq_discount) -> (base, gains):
 * decode.candidate_gains's loop over one site's candidates, before the article term. For each head
 * (a candidate's vocabulary forms) with unigram sum u (None: not discounted):
 *     g = score(head + tail) - base
 *     g += length_cost * (len(head) - len(spun))            if the lengths differ
 *     g -= freq_discount * (u - sum(unigram(w) for w in spun))   if u is not None
 * base = score(spun + tail) unless given; the same operations in the same order as the Python. */
static PyObject *LM_gains(LM *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 10) {
        PyErr_SetString(PyExc_TypeError,
                        "gains(heads, unis, spun, tail, p2, p1, eos, base, length_cost, freq_discount)");
        return NULL;
    }
    int eos = PyObject_IsTrue(args[6]);
    if (eos < 0)
        return NULL;
    double length_cost = PyFloat_AsDouble(args[8]), freq_discount = PyFloat_AsDouble(args[9]);
    if (PyErr_Occurred())
        return NULL;
    PyObject *heads = NULL, *unis = NULL, *spun = NULL, *tail = NULL, *out = NULL;
    heads = PySequence_Fast(args[0], "heads must be a sequence");
    unis = heads ? PySequence_Fast(args[1], "unis must be a sequence") : NULL;
    spun = unis ? PySequence_Fast(args[2], "spun must be a sequence") : NULL;
    tail = spun ? PySequence_Fast(args[3], "tail must be a sequence") : NULL;
    if (tail == NULL)
        goto error;
    Py_ssize_t nh = PySequence_Fast_GET_SIZE(heads), ns = PySequence_Fast_GET_SIZE(spun),
               nt = PySequence_Fast_GET_SIZE(tail);
    if (PySequence_Fast_GET_SIZE(unis) != nh) {
        PyErr_SetString(PyExc_ValueError, "heads and unis differ in length");
        goto error;
    }
    PyObject **hs = PySequence_Fast_ITEMS(heads), **us = PySequence_Fast_ITEMS(unis),
             **ss = PySequence_Fast_ITEMS(spun), **ts = PySequence_Fast_ITEMS(tail);
    Hist start;
    if (hist_init(self, &start, args[4], args[5]) < 0)
        goto error;
    double base;
    if (args[7] == Py_None) {
        Hist h = start;
        base = 0.0;
        for (Py_ssize_t k = 0; k < ns; k++)
            if (hist_step(self, &h, ss[k], &base) < 0)
                goto error;
        for (Py_ssize_t k = 0; k < nt; k++)
            if (hist_step(self, &h, ts[k], &base) < 0)
                goto error;
        if (eos && hist_step(self, &h, self->eos, &base) < 0)
            goto error;
    } else {
        base = PyFloat_AsDouble(args[7]);
        if (PyErr_Occurred())
            goto error;
    }
    out = PyList_New(nh);
    if (out == NULL)
        goto error;
    int have_base_uni = 0;
    double base_uni = 0.0;
    for (Py_ssize_t i = 0; i < nh; i++) {
        PyObject *head = PySequence_Fast(hs[i], "each head must be a sequence");
        if (head == NULL)
            goto error;
        Hist h = start;
        double total = 0.0;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(head);
        PyObject **items = PySequence_Fast_ITEMS(head);
        int bad = 0;
        for (Py_ssize_t k = 0; k < n && !bad; k++)
            bad = hist_step(self, &h, items[k], &total) < 0;
        for (Py_ssize_t k = 0; k < nt && !bad; k++)
            bad = hist_step(self, &h, ts[k], &total) < 0;
        if (!bad && eos)
            bad = hist_step(self, &h, self->eos, &total) < 0;
        Py_DECREF(head);
        if (bad)
            goto error;
        double g = total - base;
        if (n != ns)
            g += length_cost * (double)(n - ns);
        if (us[i] != Py_None) {
            double u = PyFloat_AsDouble(us[i]);
            if (u == -1.0 && PyErr_Occurred())
                goto error;
            if (!have_base_uni) {
                base_uni = 0.0;
                for (Py_ssize_t k = 0; k < ns; k++) {
                    double v;
                    if (lm_unigram(self, ss[k], &v) < 0)
                        goto error;
                    base_uni += v;
                }
                have_base_uni = 1;
            }
            g -= freq_discount * (u - base_uni);
        }
        PyObject *v = PyFloat_FromDouble(g);
        if (v == NULL)
            goto error;
        PyList_SET_ITEM(out, i, v);
    }
    Py_DECREF(heads);
    Py_DECREF(unis);
    Py_DECREF(spun);
    Py_DECREF(tail);
    PyObject *res = Py_BuildValue("(dN)", base, out);
    return res;
error:
    Py_XDECREF(out);
    Py_XDECREF(heads);
    Py_XDECREF(unis);
    Py_XDECREF(spun);
    Py_XDECREF(tail);
    return NULL;
}

/* *buf holds at least n doubles afterwards (its old contents dropped), *cap its size; 0, or -1 with
 * MemoryError set (best_gains and site_gains share one buffer across their sites) */
static int grow_buf(double **buf, Py_ssize_t *cap, Py_ssize_t n)
{
    if (n <= *cap)
        return 0;
    PyMem_Free(*buf);
    *cap = n * 2;
    *buf = PyMem_Malloc(sizeof(double) * (size_t)*cap);
    if (*buf == NULL) {
        *cap = 0;
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* one site's weighted candidate gains into out[0..nh): decode.candidate_gains over tokens lo..hi-1
 * (the match i..j-1; bos_/eos: the window starts / ends its sentence), each candidate's article
 * log-odds (arts, or None) and log10 weight (logw) added, as _Doc._site adds them. heads: a list
 * of tuples (the candidates' vocabulary forms), unis their unigram sums (None: not discounted);
 * the lists hold at least nh items. 0, or -1 on error */
static int site_weighted(LM *self, PyObject **vocab, Py_ssize_t lo, Py_ssize_t i, Py_ssize_t j, Py_ssize_t hi,
                         int bos_, int eos, PyObject *bos, int32_t bos_wid, PyObject *heads, Py_ssize_t nh,
                         PyObject *unis, PyObject *logw, PyObject *arts, double length_cost, double freq_discount,
                         double *out)
{
    Hist st;
    st.p1 = st.p2 = Py_None;
    st.w1 = st.w2 = 0;
    st.has1 = st.has2 = 0;
    if (bos_) {
        st.p1 = bos;
        st.w1 = bos_wid;
        st.has1 = 1;
    }
    for (Py_ssize_t k = lo; k < i; k++) {  /* for w in left: p2, p1 = (p1, w) if w is not None else (None, None) */
        PyObject *w = vocab[k];
        if (w == Py_None) {
            st.p1 = st.p2 = Py_None;
            st.has1 = st.has2 = 0;
            st.w1 = st.w2 = 0;
            continue;
        }
        int32_t wid;
        if (lm_wid(self, w, &wid) < 0)
            return -1;
        st.p2 = st.p1, st.w2 = st.w1, st.has2 = st.has1;
        st.p1 = w, st.w1 = wid, st.has1 = 1;
    }
    Py_ssize_t nsp = j - i, nt = hi - j;
    PyObject **sp = vocab + i, **tl = vocab + j;
    Hist h = st;
    double base = 0.0;
    for (Py_ssize_t k = 0; k < nsp; k++)
        if (hist_step(self, &h, sp[k], &base) < 0)
            return -1;
    for (Py_ssize_t k = 0; k < nt; k++)
        if (hist_step(self, &h, tl[k], &base) < 0)
            return -1;
    if (eos && hist_step(self, &h, self->eos, &base) < 0)
        return -1;
    int have_base_uni = 0;
    double base_uni = 0.0;
    for (Py_ssize_t c = 0; c < nh; c++) {
        PyObject *head = PyList_GET_ITEM(heads, c);
        if (!PyTuple_Check(head)) {
            PyErr_SetString(PyExc_TypeError, "each head must be a tuple");
            return -1;
        }
        Py_ssize_t n = PyTuple_GET_SIZE(head);
        h = st;
        double total = 0.0;
        for (Py_ssize_t k = 0; k < n; k++)
            if (hist_step(self, &h, PyTuple_GET_ITEM(head, k), &total) < 0)
                return -1;
        for (Py_ssize_t k = 0; k < nt; k++)
            if (hist_step(self, &h, tl[k], &total) < 0)
                return -1;
        if (eos && hist_step(self, &h, self->eos, &total) < 0)
            return -1;
        double g = total - base;
        if (n != nsp)
            g += length_cost * (double)(n - nsp);
        PyObject *uo = PyList_GET_ITEM(unis, c);
        if (uo != Py_None) {
            double u = PyFloat_AsDouble(uo);
            if (u == -1.0 && PyErr_Occurred())
                return -1;
            if (!have_base_uni) {
                base_uni = 0.0;
                for (Py_ssize_t k = 0; k < nsp; k++) {
                    double v;
                    if (lm_unigram(self, sp[k], &v) < 0)
                        return -1;
                    base_uni += v;
                }
                have_base_uni = 1;
            }
            g -= freq_discount * (u - base_uni);
        }
        if (arts != Py_None) {
            double a = PyFloat_AsDouble(PyList_GET_ITEM(arts, c));
            if (a == -1.0 && PyErr_Occurred())
                return -1;
            g = g + a;
        }
        double w = PyFloat_AsDouble(PyList_GET_ITEM(logw, c));
        if (w == -1.0 && PyErr_Occurred())
            return -1;
        out[c] = g + w;
    }
    return 0;
}

/* checks a site's candidate lists; their common length (at least 1), or -1 on error */
static Py_ssize_t site_lists(PyObject *heads, PyObject *unis, PyObject *logw, PyObject *arts, Py_ssize_t n)
{
    if (!PyList_Check(heads) || !PyList_Check(unis) || !PyList_Check(logw) || (arts != Py_None && !PyList_Check(arts))) {
        PyErr_SetString(PyExc_TypeError, "heads, unis, log_weights and arts must be lists");
        return -1;
    }
    Py_ssize_t nh = PyList_GET_SIZE(heads);
    if (n >= 0 && n < nh)
        nh = n;
    if (nh == 0 || PyList_GET_SIZE(unis) < nh || PyList_GET_SIZE(logw) < nh
        || (arts != Py_None && PyList_GET_SIZE(arts) < nh)) {
        PyErr_SetString(PyExc_ValueError, "a site's candidate lists differ in length (or are empty)");
        return -1;
    }
    return nh;
}

/* best_gains(vocab, flags, lows, sites, bos, length_cost, freq_discount) -> [gain, ...]: the scan's
 * site gains (textfix.scan.scan_evidence's site(): decode.candidate_gains on the scan's chunks,
 * each candidate's log10 weight added, the best of them). sites: (i, j, heads, unis, log_weights,
 * arts) per match of tokens i..j-1, heads and unis as gains() takes them (lists), arts None or
 * each candidate's article log-odds; the chunk of a match is found from the FLAG bytes as site()
 * finds it. The same operations in the same order as the Python. */
static PyObject *LM_best_gains(LM *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7 || !PyList_Check(args[0]) || !PyBytes_Check(args[1]) || !PyList_Check(args[2])
        || !PyList_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "best_gains(vocab: list, flags: bytes, lows: list, sites: list, bos, "
                                         "length_cost, freq_discount)");
        return NULL;
    }
    PyObject **vocab = ((PyListObject *)args[0])->ob_item;
    Py_ssize_t size = PyList_GET_SIZE(args[0]);
    const unsigned char *fl = (const unsigned char *)PyBytes_AS_STRING(args[1]);
    if (PyBytes_GET_SIZE(args[1]) != size || PyList_GET_SIZE(args[2]) != size) {
        PyErr_SetString(PyExc_ValueError, "vocab, flags and lows differ in length");
        return NULL;
    }
    PyObject **lows = ((PyListObject *)args[2])->ob_item;
    PyObject *bos = args[4];
    double length_cost = PyFloat_AsDouble(args[5]), freq_discount = PyFloat_AsDouble(args[6]);
    if (PyErr_Occurred())
        return NULL;
    int32_t bos_wid;
    if (lm_wid(self, bos, &bos_wid) < 0)
        return NULL;
    Py_ssize_t ns = PyList_GET_SIZE(args[3]);
    PyObject *out = PyList_New(ns);
    double *buf = NULL;
    Py_ssize_t cap = 0;
    if (out == NULL)
        return NULL;
    for (Py_ssize_t s = 0; s < ns; s++) {
        PyObject *site = PyList_GET_ITEM(args[3], s);
        if (!PyTuple_Check(site) || PyTuple_GET_SIZE(site) != 6) {
            PyErr_SetString(PyExc_TypeError, "sites must be (i, j, heads, unis, log_weights, arts)");
            goto error;
        }
        Py_ssize_t i = PyLong_AsSsize_t(PyTuple_GET_ITEM(site, 0)), j = PyLong_AsSsize_t(PyTuple_GET_ITEM(site, 1));
        if (PyErr_Occurred())
            goto error;
        if (i < 0 || j <= i || j > size) {
            PyErr_SetString(PyExc_ValueError, "a site outside the tokens");
            goto error;
        }
        PyObject *heads = PyTuple_GET_ITEM(site, 2), *unis = PyTuple_GET_ITEM(site, 3),
                 *logw = PyTuple_GET_ITEM(site, 4), *arts = PyTuple_GET_ITEM(site, 5);
        Py_ssize_t nh = site_lists(heads, unis, logw, arts, -1);
        if (nh < 0)
            goto error;
        /* the chunk, as site() finds it */
        Py_ssize_t start = i;
        while (start > 0 && !(fl[start] & F_CHUNK))
            start--;
        if (!(fl[start] & F_CHUNK)) {
            PyErr_SetString(PyExc_ValueError, "a site before the first chunk");
            goto error;
        }
        Py_ssize_t end = j;
        while (end < size && (fl[end] & F_WORD) && !(fl[end] & F_CHUNK))
            end++;
        int chunk_bos = (fl[start] & F_BOS) != 0, chunk_eos = 1;
        if (end < size) {
            PyObject *low = lows[end];
            if (!PyUnicode_Check(low) || PyUnicode_GET_LENGTH(low) == 0) {
                PyErr_SetString(PyExc_TypeError, "lows must be non-empty str");
                goto error;
            }
            Py_UCS4 c = PyUnicode_READ_CHAR(low, 0);
            chunk_eos = c == '.' || c == '!' || c == '?' || c == 0x2026 || c == '\n';
        }
        /* decode.candidate_gains's window */
        Py_ssize_t lo = start > i - 2 ? start : i - 2, hi = end < j + 2 ? end : j + 2;
        if (grow_buf(&buf, &cap, nh) < 0)
            goto error;
        if (site_weighted(self, vocab, lo, i, j, hi, lo == start && chunk_bos, hi == end && chunk_eos, bos, bos_wid,
                          heads, nh, unis, logw, arts, length_cost, freq_discount, buf) < 0)
            goto error;
        double best = buf[0];
        for (Py_ssize_t c = 1; c < nh; c++)   /* max(weighted): the first of the largest */
            if (buf[c] > best)
                best = buf[c];
        PyObject *v = PyFloat_FromDouble(best);
        if (v == NULL)
            goto error;
        PyList_SET_ITEM(out, s, v);
    }
    PyMem_Free(buf);
    return out;
error:
    PyMem_Free(buf);
    Py_DECREF(out);
    return NULL;
}

/* site_gains(vocab, sites, bos, length_cost, freq_discount) -> [[weighted gain, ...], ...]: the
 * weighted candidate gains of _Doc._site for many sites (decode.candidate_gains, then each
 * candidate's log10 weight added). sites: (lo, i, j, hi, bos, eos, heads, unis, log_weights, arts,
 * n) per match of tokens i..j-1, candidate_gains's window lo..hi-1 and whether it starts / ends a
 * sentence, the candidates' lists as best_gains takes them, n the number of candidates judged (None:
 * all). The same operations in the same order as the Python. */
static PyObject *LM_site_gains(LM *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5 || !PyList_Check(args[0]) || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "site_gains(vocab: list, sites: list, bos, length_cost, freq_discount)");
        return NULL;
    }
    PyObject **vocab = ((PyListObject *)args[0])->ob_item;
    Py_ssize_t size = PyList_GET_SIZE(args[0]);
    PyObject *bos = args[2];
    double length_cost = PyFloat_AsDouble(args[3]), freq_discount = PyFloat_AsDouble(args[4]);
    if (PyErr_Occurred())
        return NULL;
    int32_t bos_wid;
    if (lm_wid(self, bos, &bos_wid) < 0)
        return NULL;
    Py_ssize_t ns = PyList_GET_SIZE(args[1]);
    PyObject *out = PyList_New(ns);
    double *buf = NULL;
    Py_ssize_t cap = 0;
    if (out == NULL)
        return NULL;
    for (Py_ssize_t s = 0; s < ns; s++) {
        PyObject *site = PyList_GET_ITEM(args[1], s);
        if (!PyTuple_Check(site) || PyTuple_GET_SIZE(site) != 11) {
            PyErr_SetString(PyExc_TypeError, "sites must be (lo, i, j, hi, bos, eos, heads, unis, log_weights, arts, n)");
            goto error;
        }
        Py_ssize_t lo = PyLong_AsSsize_t(PyTuple_GET_ITEM(site, 0)), i = PyLong_AsSsize_t(PyTuple_GET_ITEM(site, 1)),
                   j = PyLong_AsSsize_t(PyTuple_GET_ITEM(site, 2)), hi = PyLong_AsSsize_t(PyTuple_GET_ITEM(site, 3));
        int sbos = PyObject_IsTrue(PyTuple_GET_ITEM(site, 4)), seos = PyObject_IsTrue(PyTuple_GET_ITEM(site, 5));
        PyObject *no = PyTuple_GET_ITEM(site, 10);
        Py_ssize_t n = no == Py_None ? -1 : PyLong_AsSsize_t(no);
        if (PyErr_Occurred() || sbos < 0 || seos < 0)
            goto error;
        if (lo < 0 || lo > i || j <= i || hi < j || hi > size || (no != Py_None && n < 0)) {
            PyErr_SetString(PyExc_ValueError, "a site outside the tokens");
            goto error;
        }
        PyObject *heads = PyTuple_GET_ITEM(site, 6), *unis = PyTuple_GET_ITEM(site, 7),
                 *logw = PyTuple_GET_ITEM(site, 8), *arts = PyTuple_GET_ITEM(site, 9);
        Py_ssize_t nh = site_lists(heads, unis, logw, arts, n);
        if (nh < 0)
            goto error;
        if (grow_buf(&buf, &cap, nh) < 0)
            goto error;
        if (site_weighted(self, vocab, lo, i, j, hi, sbos, seos, bos, bos_wid, heads, nh, unis, logw, arts,
                          length_cost, freq_discount, buf) < 0)
            goto error;
        PyObject *lst = PyList_New(nh);
        if (lst == NULL)
            goto error;
        PyList_SET_ITEM(out, s, lst);
        for (Py_ssize_t c = 0; c < nh; c++) {
            PyObject *v = PyFloat_FromDouble(buf[c]);
            if (v == NULL)
                goto error;
            PyList_SET_ITEM(lst, c, v);
        }
    }
    PyMem_Free(buf);
    return out;
error:
    PyMem_Free(buf);
    Py_DECREF(out);
    return NULL;
}

/* logp(word, prev1=None, prev2=None) -> float: Scorer.logp */
static PyObject *LM_logp(LM *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "logp(word, prev1=None, prev2=None)");
        return NULL;
    }
    PyObject *w = args[0];
    PyObject *p1 = nargs > 1 ? args[1] : Py_None, *p2 = nargs > 2 ? args[2] : Py_None;
    if (w == Py_None)
        return PyFloat_FromDouble(self->oov_logp);
    int32_t wid, w1 = 0, w2 = 0;
    if (lm_wid(self, w, &wid) < 0)
        return NULL;
    int n_hist = 0;
    if (p1 != Py_None) {
        if (lm_wid(self, p1, &w1) < 0)
            return NULL;
        n_hist = 1;
        if (p2 != Py_None) {
            if (lm_wid(self, p2, &w2) < 0)
                return NULL;
            n_hist = 2;
        }
    }
    return PyFloat_FromDouble(lm_raw(self, wid, w1, w2, n_hist));
}



typedef struct {
    double total;
    long n, words, oov, n_body, n_quote, n_name;
} Fluency;

/* Scorer.fluency's loop over toks[0..len) (non-empty str) and their vocabulary forms (str or None),
 * one FLAG byte per token into fl; 0, or -1 on error */
static int fluency_core(LM *self, PyObject **toks, PyObject **vocab, Py_ssize_t len, double max_u,
                        int32_t bos_wid, unsigned char *fl, Fluency *out)
{
    double total = 0.0;
    long n = 0, words = 0, oov = 0, n_body = 0, n_quote = 0, n_name = 0;
    int in_quote = 0, sent_start = 1, chunk = 1, has1 = 0, has2 = 0;
    int32_t w1 = 0, w2 = 0;
    for (Py_ssize_t k = 0; k < len; k++) {
        PyObject *tok = toks[k];
        if (!PyUnicode_Check(tok) || PyUnicode_GET_LENGTH(tok) == 0) {
            PyErr_SetString(PyExc_TypeError, "tokens must be non-empty str");
            return -1;
        }
        Py_UCS4 c0 = PyUnicode_READ_CHAR(tok, 0);
        if (!(Py_UNICODE_ISALNUM(c0) || c0 == '_')) {
            fl[k] = 0;
            if (c0 == 0x201C)
                in_quote = 1;
            else if (c0 == 0x201D || c0 == '\n')
                in_quote = 0;
            else if (c0 == '"')
                in_quote = !in_quote;
            if (c0 == '.' || c0 == '!' || c0 == '?' || c0 == 0x2026 || c0 == '\n')
                sent_start = 1;
            chunk = 1;
            continue;
        }
        unsigned char f = F_WORD;
        int alpha = Py_UNICODE_ISALPHA(c0);
        /* a name: capitalised and not sentence-initial, or with a capital after its first letter,
         * or followed by another capitalised word (textfix.tokens._mark_names) */
        int name = 0;
        if (Py_UNICODE_ISUPPER(c0)) {
            name = !sent_start;
            Py_ssize_t tl = PyUnicode_GET_LENGTH(tok);
            for (Py_ssize_t c = 1; !name && c < tl; c++)
                name = Py_UNICODE_ISUPPER(PyUnicode_READ_CHAR(tok, c));
            if (!name && k + 1 < len) {
                PyObject *next = toks[k + 1];
                name = PyUnicode_Check(next) && PyUnicode_GET_LENGTH(next) > 0
                       && Py_UNICODE_ISUPPER(PyUnicode_READ_CHAR(next, 0));
            }
        }
        if (alpha)
            f |= F_ALPHA;
        if (name)
            f |= F_NAME, n_name++;
        else if (in_quote)
            f |= F_QUOTE, n_quote++;
        else
            n_body++;
        if (chunk) {
            f |= F_CHUNK;
            if (sent_start) {
                f |= F_BOS;
                has1 = 1, has2 = 0, w1 = bos_wid;
            } else {
                has1 = has2 = 0;
            }
        }
        fl[k] = f;
        chunk = sent_start = 0;
        PyObject *w = vocab[k];
        if (alpha) {
            words++;
            oov += w == Py_None;
        }
        if (w == Py_None) {
            has1 = has2 = 0;
            continue;
        }
        int32_t wid;
        if (lm_wid(self, w, &wid) < 0)
            return -1;
        if (has1 && alpha && !name && !in_quote) {
            double u = lm_raw(self, wid, 0, 0, 0);
            if (u < max_u) {
                total += lm_raw(self, wid, w1, w2, has2 ? 2 : 1) - u;
                n++;
            }
        }
        w2 = w1;
        has2 = has1;
        w1 = wid;
        has1 = 1;
    }
    out->total = total;
    out->n = n, out->words = words, out->oov = oov;
    out->n_body = n_body, out->n_quote = n_quote, out->n_name = n_name;
    return 0;
}

/* fluency(tokens, vocab, max_unigram, bos) -> (n, total, words, oov, n_body, n_quote, n_name, flags):
 * Scorer.fluency's loop (see scoring.py: the same operations in the same order) */
static PyObject *LM_fluency(LM *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "fluency(tokens, vocab, max_unigram, bos)");
        return NULL;
    }
    double max_u = PyFloat_AsDouble(args[2]);
    if (max_u == -1.0 && PyErr_Occurred())
        return NULL;
    if (!PyList_Check(args[0]) || !PyList_Check(args[1]) || PyList_GET_SIZE(args[0]) != PyList_GET_SIZE(args[1])) {
        PyErr_SetString(PyExc_TypeError, "tokens and vocab must be lists of the same length");
        return NULL;
    }
    int32_t bos_wid;
    if (lm_wid(self, args[3], &bos_wid) < 0)
        return NULL;
    Py_ssize_t len = PyList_GET_SIZE(args[0]);
    PyObject *flags = PyBytes_FromStringAndSize(NULL, len);
    if (flags == NULL)
        return NULL;
    Fluency fo;
    if (fluency_core(self, ((PyListObject *)args[0])->ob_item, ((PyListObject *)args[1])->ob_item, len, max_u,
                     bos_wid, (unsigned char *)PyBytes_AS_STRING(flags), &fo) < 0) {
        Py_DECREF(flags);
        return NULL;
    }
    return Py_BuildValue("(ldlllllN)", fo.n, fo.total, fo.words, fo.oov, fo.n_body, fo.n_quote, fo.n_name, flags);
}

static inline int is_w(Py_UCS4 c)
{
    return c < 128 ? (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                   : Py_UNICODE_ISALNUM(c);
}

/* the lower-cased form of a token as textfix.scan reads it: str.lower(), curly apostrophes
 * straightened (a new reference) */
static PyObject *scan_lower(PyObject *tok, PyObject *lower_name, PyObject *curly, PyObject *straight)
{
    if (PyUnicode_IS_ASCII(tok)) {
        Py_ssize_t l = PyUnicode_GET_LENGTH(tok);
        const Py_UCS1 *src = PyUnicode_1BYTE_DATA(tok);
        Py_ssize_t k = 0;
        while (k < l && !(src[k] >= 'A' && src[k] <= 'Z'))
            k++;
        if (k == l) {
            Py_INCREF(tok);
            return tok;
        }
        PyObject *out = PyUnicode_New(l, 127);
        if (out == NULL)
            return NULL;
        Py_UCS1 *dst = PyUnicode_1BYTE_DATA(out);
        for (k = 0; k < l; k++)
            dst[k] = (src[k] >= 'A' && src[k] <= 'Z') ? (Py_UCS1)(src[k] + 32) : src[k];
        return out;
    }
    PyObject *low = PyObject_CallMethodNoArgs(tok, lower_name);
    if (low == NULL)
        return NULL;
    if (PyUnicode_FindChar(low, 0x2019, 0, PyUnicode_GET_LENGTH(low), 1) >= 0)
        Py_SETREF(low, PyUnicode_Replace(low, curly, straight, -1));
    return low;
}

/* scan(known, vocab_form, text, max_unigram, bos, science) -> (toks, lows, vocab, alpha, n, total,
 * words, oov, n_body, n_quote, n_name, flags): Scorer.scan, the scan's one pass over a text
 * (textfix.scan): the tokens of scan.TOKEN, their lower-cased forms, vocabulary forms
 * (known.get(low), else vocab_form(low)), the fluency loop, and the letter words' lower-cased forms
 * (None unless science); see scoring.py */
static PyObject *LM_scan(LM *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "scan(known, vocab_form, text, max_unigram, bos, science)");
        return NULL;
    }
    PyObject *known = args[0], *vocab_form = args[1], *text = args[2];
    if (!PyDict_Check(known) || !PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "scan(known: dict, vocab_form, text: str, ...)");
        return NULL;
    }
    double max_u = PyFloat_AsDouble(args[3]);
    if (max_u == -1.0 && PyErr_Occurred())
        return NULL;
    int science = PyObject_IsTrue(args[5]);
    if (science < 0)
        return NULL;
    int32_t bos_wid;
    if (lm_wid(self, args[4], &bos_wid) < 0)
        return NULL;
    static PyObject *lower_name, *curly, *straight;
    if (lower_name == NULL) {
        lower_name = PyUnicode_InternFromString("lower");
        curly = PyUnicode_FromOrdinal(0x2019);
        straight = PyUnicode_FromOrdinal('\'');
        if (lower_name == NULL || curly == NULL || straight == NULL)
            return NULL;
    }
    PyObject *toks = NULL, *lows = NULL, *vocab = NULL, *alpha = NULL,
             *flags = NULL;
    toks = PyList_New(0);
    if (toks == NULL)
        goto error;
    /* the tokens: \w+(?:['’]\w+)*|\n[^\S\n]*\n|[^\w\s] (re's \w: str.isalnum() or "_"; \s:
     * str.isspace()) */
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        Py_ssize_t j;
        if (is_w(c)) {
            j = i + 1;
            for (;;) {
                while (j < n && is_w(PyUnicode_READ(kind, data, j)))
                    j++;
                if (j + 1 < n) {
                    Py_UCS4 a = PyUnicode_READ(kind, data, j);
                    if ((a == '\'' || a == 0x2019) && is_w(PyUnicode_READ(kind, data, j + 1))) {
                        j += 2;
                        continue;
                    }
                }
                break;
            }
        } else if (c == '\n') {
            Py_ssize_t k = i + 1;
            Py_UCS4 d = 0;
            while (k < n && (d = PyUnicode_READ(kind, data, k)) != '\n' && Py_UNICODE_ISSPACE(d))
                k++;
            if (!(k < n && d == '\n')) {
                i++;
                continue;
            }
            j = k + 1;
        } else if (Py_UNICODE_ISSPACE(c)) {
            i++;
            continue;
        } else {
            j = i + 1;
        }
        PyObject *t = PyUnicode_Substring(text, i, j);
        if (t == NULL)
            goto error;
        int rc = PyList_Append(toks, t);
        Py_DECREF(t);
        if (rc < 0)
            goto error;
        i = j;
    }
    Py_ssize_t size = PyList_GET_SIZE(toks);
    PyObject **tk = ((PyListObject *)toks)->ob_item;
    lows = PyList_New(size);
    vocab = PyList_New(size);
    flags = PyBytes_FromStringAndSize(NULL, size);
    if (lows == NULL || vocab == NULL || flags == NULL)
        goto error;
    for (Py_ssize_t k = 0; k < size; k++) {
        PyObject *low = scan_lower(tk[k], lower_name, curly, straight);
        if (low == NULL)
            goto error;
        PyList_SET_ITEM(lows, k, low);
        PyObject *form = PyDict_GetItemWithError(known, low);
        if (form != NULL) {
            Py_INCREF(form);
        } else {
            if (PyErr_Occurred())
                goto error;
            form = PyObject_CallOneArg(vocab_form, low);
            if (form == NULL)
                goto error;
        }
        PyList_SET_ITEM(vocab, k, form);
    }
    unsigned char *fl = (unsigned char *)PyBytes_AS_STRING(flags);
    Fluency fo;
    if (fluency_core(self, tk, ((PyListObject *)vocab)->ob_item, size, max_u, bos_wid, fl, &fo) < 0)
        goto error;
    if (science) {
        alpha = PyList_New(0);
        if (alpha == NULL)
            goto error;
        for (Py_ssize_t k = 0; k < size; k++)
            if ((fl[k] & F_ALPHA) && PyList_Append(alpha, PyList_GET_ITEM(lows, k)) < 0)
                goto error;
    } else {
        alpha = Py_None;
        Py_INCREF(alpha);
    }
    return Py_BuildValue("(NNNNldlllllN)", toks, lows, vocab, alpha, fo.n, fo.total, fo.words,
                         fo.oov, fo.n_body, fo.n_quote, fo.n_name, flags);
error:
    Py_XDECREF(toks);
    Py_XDECREF(lows);
    Py_XDECREF(vocab);
    Py_XDECREF(alpha);
    Py_XDECREF(flags);
    return NULL;
}

/* phrases(words, index) -> [(i, payload), ...]: every occurrence of an indexed phrase in words
 * (a list of str): index maps a phrase's first word to a tuple of (its other words (a tuple of
 * str), payload); an occurrence at i is words[i] followed by those words. In order of i, then of
 * the index's tuple. (What an Aho-Corasick pass over " ".join(words) finds, as textfix.scan
 * uses it: the same occurrences, listed in another order.) */
static PyObject *fast_phrases(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_Check(args[0]) || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "phrases(words: list, index: dict)");
        return NULL;
    }
    PyObject *index = args[1];
    Py_ssize_t n = PyList_GET_SIZE(args[0]);
    PyObject **words = ((PyListObject *)args[0])->ob_item;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *entries = PyDict_GetItemWithError(index, words[i]);
        if (entries == NULL) {
            if (PyErr_Occurred())
                goto error;
            continue;
        }
        if (!PyTuple_Check(entries)) {
            PyErr_SetString(PyExc_TypeError, "index values must be tuples");
            goto error;
        }
        Py_ssize_t ne = PyTuple_GET_SIZE(entries);
        for (Py_ssize_t e = 0; e < ne; e++) {
            PyObject *entry = PyTuple_GET_ITEM(entries, e);
            if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 2 || !PyTuple_Check(PyTuple_GET_ITEM(entry, 0))) {
                PyErr_SetString(PyExc_TypeError, "index entries must be (tuple of words, payload)");
                goto error;
            }
            PyObject *rest = PyTuple_GET_ITEM(entry, 0);
            Py_ssize_t nr = PyTuple_GET_SIZE(rest);
            if (i + nr >= n)
                continue;
            int ok = 1;
            for (Py_ssize_t r = 0; r < nr && ok; r++) {
                PyObject *a = words[i + 1 + r], *b = PyTuple_GET_ITEM(rest, r);
                if (a != b) {
                    ok = PyObject_RichCompareBool(a, b, Py_EQ);
                    if (ok < 0)
                        goto error;
                }
            }
            if (!ok)
                continue;
            PyObject *hit = Py_BuildValue("(nO)", i, PyTuple_GET_ITEM(entry, 1));
            if (hit == NULL)
                goto error;
            int rc = PyList_Append(out, hit);
            Py_DECREF(hit);
            if (rc < 0)
                goto error;
        }
    }
    return out;
error:
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef LM_methods[] = {
    {"score", (PyCFunction)(void (*)(void))LM_score, METH_FASTCALL,
     "score(words, p2, p1, eos=False) -> (total, p2, p1): log10 probability of words after p2 p1"},
    {"gains", (PyCFunction)(void (*)(void))LM_gains, METH_FASTCALL,
     "gains(heads, unis, spun, tail, p2, p1, eos, base, length_cost, freq_discount) -> (base, gains): "
     "decode.candidate_gains's candidate loop"},
    {"best_gains", (PyCFunction)(void (*)(void))LM_best_gains, METH_FASTCALL,
     "best_gains(vocab, flags, lows, sites, bos, length_cost, freq_discount) -> [gain, ...]: the scan's site gains"},
    {"site_gains", (PyCFunction)(void (*)(void))LM_site_gains, METH_FASTCALL,
     "site_gains(vocab, sites, bos, length_cost, freq_discount) -> [[weighted gain, ...], ...]: _Doc._site's gains"},
    {"logp", (PyCFunction)(void (*)(void))LM_logp, METH_FASTCALL,
     "logp(word, prev1=None, prev2=None) -> log10 P(word | prev2 prev1)"},
    {"fluency", (PyCFunction)(void (*)(void))LM_fluency, METH_FASTCALL,
     "fluency(tokens, vocab, max_unigram, bos) -> (n, total, words, oov, n_body, n_quote, n_name, flags): "
     "Scorer.fluency's loop"},
    {"scan", (PyCFunction)(void (*)(void))LM_scan, METH_FASTCALL,
     "scan(known, vocab_form, text, max_unigram, bos, science) -> (toks, lows, vocab, alpha, n, total, "
     "words, oov, n_body, n_quote, n_name, flags): Scorer.scan"},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject LMType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "textfix._fastlm.LM",
    .tp_basicsize = sizeof(LM),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "pocketsphinx n-gram look-ups in a C loop (see textfix/_fastlm.c)",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)LM_init,
    .tp_dealloc = (destructor)LM_dealloc,
    .tp_methods = LM_methods,
};

/* the float sum of Python's sum() over doubles, added one by one from 0.0: plain addition before
 * Python 3.12, Neumaier's compensated summation from 3.12 on (bltinmodule.c's builtin_sum_impl) */
typedef struct {
    double f, c;
} PySum;

static inline void pysum_add(PySum *s, double x)
{
#if PY_VERSION_HEX >= 0x030C0000
    double t = s->f + x;
    if (fabs(s->f) >= fabs(x))
        s->c += (s->f - t) + x;
    else
        s->c += (x - t) + s->f;
    s->f = t;
#else
    s->f += x;
#endif
}

static inline double pysum_value(const PySum *s)
{
#if PY_VERSION_HEX >= 0x030C0000
    if (s->c != 0.0 && isfinite(s->c))
        return s->f + s->c;
#endif
    return s->f;
}

/* estimate_rate(gains, weights, iters, temper, clip) -> (rate, llr): detect.estimate_rate (see
 * there), the same operations in the same order; weights None for unit weights */
static PyObject *fast_estimate_rate(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "estimate_rate(gains, weights, iters, temper, clip)");
        return NULL;
    }
    Py_ssize_t iters = PyLong_AsSsize_t(args[2]);
    double temper = PyFloat_AsDouble(args[3]), clip = PyFloat_AsDouble(args[4]);
    if (PyErr_Occurred())
        return NULL;
    PyObject *gseq = PySequence_Fast(args[0], "gains must be a sequence");
    if (gseq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(gseq);
    if (n == 0) {
        Py_DECREF(gseq);
        return Py_BuildValue("(dd)", 0.0, 0.0);
    }
    PyObject *wseq = NULL;
    double *buf = PyMem_Malloc(sizeof(double) * 2 * (size_t)n);
    if (buf == NULL) {
        Py_DECREF(gseq);
        return PyErr_NoMemory();
    }
    double *lr = buf, *w = buf + n;
    PyObject **gs = PySequence_Fast_ITEMS(gseq);
    int unit = 1;
    if (args[1] != Py_None) {
        wseq = PySequence_Fast(args[1], "weights must be a sequence");
        if (wseq == NULL)
            goto error;
        if (PySequence_Fast_GET_SIZE(wseq) < n) {
            PyErr_SetString(PyExc_ValueError, "fewer weights than gains");
            goto error;
        }
        PyObject **ws = PySequence_Fast_ITEMS(wseq);
        for (Py_ssize_t k = 0; k < n; k++) {
            w[k] = PyFloat_AsDouble(ws[k]);
            if (w[k] == -1.0 && PyErr_Occurred())
                goto error;
            if (w[k] != 1.0)
                unit = 0;
        }
    } else {
        for (Py_ssize_t k = 0; k < n; k++)
            w[k] = 1.0;
    }
    PySum tot = {0.0, 0.0};
    for (Py_ssize_t k = 0; k < n; k++)
        pysum_add(&tot, w[k]);
    double total = pysum_value(&tot);
    for (Py_ssize_t k = 0; k < n; k++) {
        double g = PyFloat_AsDouble(gs[k]);
        if (g == -1.0 && PyErr_Occurred())
            goto error;
        double e = temper * g;
        e = clip < e ? clip : e;          /* min(GAIN_CLIP, TEMPER * g) */
        e = -clip > e ? -clip : e;        /* max(-GAIN_CLIP, ...) */
        lr[k] = e == 0.0 ? 1.0 : pow(10.0, e);
    }
    double r = 0.1;
    for (Py_ssize_t it = 0; it < iters; it++) {
        PySum acc = {0.0, 0.0};
        for (Py_ssize_t k = 0; k < n; k++) {
            double x = lr[k];
            double num = unit ? r * x : w[k] * r * x;
            pysum_add(&acc, num / (r * x + 1.0 - r));
        }
        double nw = pysum_value(&acc) / total;
        if (fabs(nw - r) < 1e-5) {
            r = nw;
            break;
        }
        r = nw;
    }
    r = 0.0 > r ? 0.0 : r;                /* max(r, 0.0) */
    r = 0.999 < r ? 0.999 : r;            /* min(..., 0.999) */
    PySum llr = {0.0, 0.0};
    for (Py_ssize_t k = 0; k < n; k++) {
        double v = r * lr[k] + 1.0 - r;
        if (!(v > 0.0)) {
            PyErr_SetString(PyExc_ValueError, "math domain error");
            goto error;
        }
        pysum_add(&llr, w[k] * log10(v));
    }
    PyMem_Free(buf);
    Py_DECREF(gseq);
    Py_XDECREF(wseq);
    return Py_BuildValue("(dd)", r, pysum_value(&llr));
error:
    PyMem_Free(buf);
    Py_DECREF(gseq);
    Py_XDECREF(wseq);
    return NULL;
}

static PyMethodDef module_methods[] = {
    {"estimate_rate", (PyCFunction)(void (*)(void))fast_estimate_rate, METH_FASTCALL,
     "estimate_rate(gains, weights, iters, temper, clip) -> (rate, llr): detect.estimate_rate"},
    {"phrases", (PyCFunction)(void (*)(void))fast_phrases, METH_FASTCALL,
     "phrases(words, index) -> [(i, payload), ...]: every occurrence of an indexed phrase in words"},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef fastlm_module = {
    PyModuleDef_HEAD_INIT, "_fastlm", "textfix's compiled n-gram scoring loop", -1, module_methods
};

PyMODINIT_FUNC PyInit__fastlm(void)
{
    if (PyType_Ready(&LMType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&fastlm_module);
    if (m == NULL)
        return NULL;
#ifndef TEXTFIX_FASTLM_SOURCE
#define TEXTFIX_FASTLM_SOURCE ""
#endif
    /* the SHA-256 of the _fastlm.c it was built from: textfix refuses a stale build */
    if (PyModule_AddStringConstant(m, "SOURCE_SHA256", TEXTFIX_FASTLM_SOURCE) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&LMType);
    if (PyModule_AddObject(m, "LM", (PyObject *)&LMType) < 0) {
        Py_DECREF(&LMType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
