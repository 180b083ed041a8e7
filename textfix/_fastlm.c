/* textfix._fastlm: the trigram scorer's hot loop (Scorer.score, logp) in C.
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
#include <stdint.h>

typedef int32_t (*wid_fn)(void *model, const char *word);
typedef int32_t (*prob_fn)(void *model, int32_t wid, int32_t *history, int32_t n_hist, int32_t *n_used);

typedef struct {
    PyObject_HEAD
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
    int32_t hist[2] = {h1, h2};
    int32_t n_used;
    return (double)self->prob(self->model, wid, hist, n_hist, &n_used) * self->factor;
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
    return 0;
}

static void LM_dealloc(LM *self)
{
    Py_XDECREF(self->wids);
    Py_XDECREF(self->eos);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* score(words, p2, p1, eos=False) -> (total, p2, p1): Scorer.score */
static PyObject *LM_score(LM *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 3 || nargs > 4) {
        PyErr_SetString(PyExc_TypeError, "score(words, p2, p1, eos=False)");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(args[0], "words must be a sequence");
    if (seq == NULL)
        return NULL;
    int eos = nargs == 4 ? PyObject_IsTrue(args[3]) : 0;
    if (eos < 0) {
        Py_DECREF(seq);
        return NULL;
    }
    PyObject *p2 = args[1], *p1 = args[2];
    /* history as word ids; has1/has2: whether p1/p2 are words (not None) */
    int has1 = p1 != Py_None, has2 = has1 && p2 != Py_None;
    int32_t w1 = 0, w2 = 0;
    if (has1 && lm_wid(self, p1, &w1) < 0)
        goto error;
    if (has2 && lm_wid(self, p2, &w2) < 0)
        goto error;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    double total = 0.0;
    for (Py_ssize_t k = 0; k < n + (eos ? 1 : 0); k++) {
        PyObject *w = k < n ? items[k] : self->eos;
        if (w == Py_None) {
            total += self->oov_logp;
            p2 = p1 = Py_None;
            has1 = has2 = 0;
            continue;
        }
        int32_t wid = self->eos_wid;
        if (k < n && lm_wid(self, w, &wid) < 0)
            goto error;
        total += lm_raw(self, wid, w1, w2, has1 ? (has2 ? 2 : 1) : 0);
        p2 = p1;
        w2 = w1;
        has2 = has1;
        p1 = w;
        w1 = wid;
        has1 = 1;
    }
    Py_DECREF(seq);
    return Py_BuildValue("(dOO)", total, p2, p1);
error:
    Py_DECREF(seq);
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

static PyMethodDef LM_methods[] = {
    {"score", (PyCFunction)(void (*)(void))LM_score, METH_FASTCALL,
     "score(words, p2, p1, eos=False) -> (total, p2, p1): log10 probability of words after p2 p1"},
    {"logp", (PyCFunction)(void (*)(void))LM_logp, METH_FASTCALL,
     "logp(word, prev1=None, prev2=None) -> log10 P(word | prev2 prev1)"},
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

static struct PyModuleDef fastlm_module = {
    PyModuleDef_HEAD_INIT, "_fastlm", "textfix's compiled n-gram scoring loop", -1, NULL
};

PyMODINIT_FUNC PyInit__fastlm(void)
{
    if (PyType_Ready(&LMType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&fastlm_module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&LMType);
    if (PyModule_AddObject(m, "LM", (PyObject *)&LMType) < 0) {
        Py_DECREF(&LMType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
