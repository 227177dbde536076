/*
 * scep.i - the libscep interface for Python, Perl, Ruby and Tcl.
 *
 * include/scep.h is described here once.  The handle (SCEP *) and the
 * parsed message (SCEP_MESSAGE *) become the classes Handle and Message;
 * the flat functions become their methods, named as the C functions
 * without the scep_ prefix.  The sections:
 *
 *   1. helpers per language: make text and bytes, raise an error
 *   2. typemaps, grouped by C type: text in, bytes in, bytes out, results
 *   3. constants and module functions
 *   4. the Handle class
 *   5. the Message class
 *   6. per-language extras (Python, Ruby, Tcl, Perl), at the end
 *
 * Every failure of the C library (NULL or -1) raises the language's own
 * error carrying the status code and the full text of scep_last_error()
 * or scep_message_last_error(); no method returns an empty value instead.
 */

#if defined(SWIGRUBY)
/* Ruby names modules in capitals; Init_scep below makes it loadable
 * with require 'scep'. */
%module SCEP
#else
%module scep
#endif

%{
#include <stdbool.h>
#include <string.h>

#include "scep.h"

/*
 * Return types that tell the typemaps of section 2 how the C call
 * reports failure and where its error text lives.
 */
typedef int scep_handle_rc;       /* 0, or -1 with the error on the handle */
typedef int scep_handle_int;      /* a value >= 0, or -1 (handle error) */
typedef int scep_message_rc;      /* 0, or -1 with the error on the message */
typedef const char *scep_message_text;  /* NULL is a message error */

/* The error class of each status, the same names in every language. */
static const char *const scep_error_class_names[] = {
    "Error",                 /* SCEP_OK: never raised */
    "InvalidArgumentError",  /* SCEP_ERR_ARGUMENT */
    "OutOfMemoryError",      /* SCEP_ERR_MEMORY */
    "FormatError",           /* SCEP_ERR_FORMAT */
    "KeyLoadError",          /* SCEP_ERR_KEY */
    "CertificateError",      /* SCEP_ERR_CERT */
    "AlgorithmError",        /* SCEP_ERR_ALGORITHM */
    "MessageAttributeError", /* SCEP_ERR_ATTRIBUTE */
    "VerifyError",           /* SCEP_ERR_VERIFY */
    "DecryptError",          /* SCEP_ERR_DECRYPT */
    "ContentError",          /* SCEP_ERR_CONTENT */
    "StateError",            /* SCEP_ERR_STATE */
    "LimitError",            /* SCEP_ERR_LIMIT */
    "FileError",             /* SCEP_ERR_IO */
    "PKCS11Error",           /* SCEP_ERR_PKCS11 */
    "InternalError"          /* SCEP_ERR_INTERNAL */
};

#define SCEP_ERROR_CLASS_COUNT \
    ((int)(sizeof(scep_error_class_names) / sizeof(scep_error_class_names[0])))

/*
 * A failure that did not say why is still a failure: report it as an
 * internal error rather than raising nothing.
 */
static int scep_error_status(int status)
{
    return status == SCEP_OK ? SCEP_ERR_INTERNAL : status;
}

static const char *scep_error_text(const char *text)
{
    return text != NULL && *text != '\0'
               ? text
               : "libscep reported a failure without a reason";
}

/* Builders answer PEM or DER; PEM starts with its armour, DER with 0x30. */
static int scep_is_pem(const unsigned char *data, size_t len)
{
    return len >= 11 && memcmp(data, "-----BEGIN ", 11) == 0;
}

/*
 * The C interface reads text arguments up to their first NUL byte, so a
 * text with one inside would silently lose its end (a password "a\0b"
 * would become "a").  The typemaps refuse it with this message instead.
 */
static const char *scep_nul_message(char *buffer, size_t size,
                                    int position, const char *name)
{
    snprintf(buffer, size, "argument %d (%s) contains a NUL byte",
             position, name);
    return buffer;
}
%}

/* ---- 1. Helpers per language ----------------------------------------- */

/*
 * Each language defines:
 *   SCEP_TEXT(s, n)     a text value (str / string) of n bytes
 *   SCEP_BYTES(p, n)    a binary value (bytes / byte string / byte array)
 *   SCEP_FAIL(st, msg)  raise the error of status st and leave the wrapper
 *   SCEP_ARG_POSITION(input)
 *                       the position, as the caller counts (1 = first
 *                       argument after the object), of the method
 *                       argument $input: its index in the wrapper's array
 *                       of arguments, less the slots before the first
 *                       one.  Only methods take text or bytes arguments.
 */

#if defined(SWIGPYTHON)
%{
static PyObject *scep_python_errors[16];

static void scep_raise(int status, const char *message)
{
    PyObject *cls, *error, *name, *code;

    status = scep_error_status(status);
    cls = status < SCEP_ERROR_CLASS_COUNT ? scep_python_errors[status]
                                          : scep_python_errors[0];
    error = PyObject_CallFunction(cls, "s", scep_error_text(message));
    if (error == NULL)
        return;

    name = PyUnicode_FromString(scep_status_name(status));
    code = PyLong_FromLong(status);
    if (name != NULL && code != NULL) {
        PyObject_SetAttrString(error, "status_name", name);
        PyObject_SetAttrString(error, "status", code);
    }
    Py_XDECREF(name);
    Py_XDECREF(code);
    PyErr_SetObject(cls, error);
    Py_DECREF(error);
}

static PyObject *scep_text(const char *text, size_t len)
{
    return PyUnicode_DecodeUTF8(text, (Py_ssize_t)len, "surrogateescape");
}
%}
#define SCEP_TEXT(s, n) scep_text((const char *)(s), (n))
#define SCEP_BYTES(p, n) PyBytes_FromStringAndSize((const char *)(p), (n))
#define SCEP_FAIL(st, msg) do { scep_raise((st), (msg)); SWIG_fail; } while (0)
/* swig_obj[0] is the object. */
#define SCEP_ARG_POSITION(input) ((int)(&(input) - swig_obj))

#elif defined(SWIGPERL)
%{
/* croak with the message; $scep::last_status holds the status code and
 * $scep::last_status_name its name. */
static void scep_raise(int status, const char *message)
{
    status = scep_error_status(status);
    sv_setiv(get_sv("scep::last_status", GV_ADD), status);
    sv_setpv(get_sv("scep::last_status_name", GV_ADD),
             scep_status_name(status));
    sv_setpv(get_sv("@", GV_ADD), scep_error_text(message));
}
%}
#define SCEP_TEXT(s, n) newSVpvn((const char *)(s), (n))
#define SCEP_BYTES(p, n) newSVpvn((const char *)(p), (n))
#define SCEP_FAIL(st, msg) do { scep_raise((st), (msg)); SWIG_fail; } while (0)
/* ST(0) is the object. */
#define SCEP_ARG_POSITION(input) ((int)(&(input) - &ST(0)))

#elif defined(SWIGRUBY)
%{
static VALUE scep_ruby_errors[16];

static void scep_raise(int status, const char *message)
{
    VALUE cls, error;

    status = scep_error_status(status);
    cls = status < SCEP_ERROR_CLASS_COUNT ? scep_ruby_errors[status]
                                          : scep_ruby_errors[0];
    error = rb_exc_new_cstr(cls, scep_error_text(message));
    rb_iv_set(error, "@status", INT2NUM(status));
    rb_iv_set(error, "@status_name",
              rb_str_new_cstr(scep_status_name(status)));
    rb_exc_raise(error);
}
%}
#define SCEP_TEXT(s, n) rb_utf8_str_new((const char *)(s), (long)(n))
#define SCEP_BYTES(p, n) rb_str_new((const char *)(p), (long)(n))
#define SCEP_FAIL(st, msg) scep_raise((st), (msg))
/* The object is self, outside argv. */
#define SCEP_ARG_POSITION(input) ((int)(&(input) - argv) + 1)

#elif defined(SWIGTCL)
%{
/* error with errorCode {SCEP <STATUS_NAME> <code>}. */
static void scep_raise(Tcl_Interp *interp, int status, const char *message)
{
    char code[16];

    status = scep_error_status(status);
    snprintf(code, sizeof(code), "%d", status);
    Tcl_SetObjResult(interp, Tcl_NewStringObj(scep_error_text(message), -1));
    Tcl_SetErrorCode(interp, "SCEP", scep_status_name(status), code, NULL);
}
%}
#define SCEP_TEXT(s, n) Tcl_NewStringObj((const char *)(s), (int)(n))
#define SCEP_BYTES(p, n) Tcl_NewByteArrayObj((const unsigned char *)(p), (int)(n))
#define SCEP_FAIL(st, msg) \
    do { scep_raise(interp, (st), (msg)); SWIG_fail; } while (0)
/* objv[0] is the command, objv[1] the object. */
#define SCEP_ARG_POSITION(input) ((int)(&(input) - objv) - 1)
#endif

#define SCEP_HANDLE_FAIL(h) SCEP_FAIL(scep_last_status(h), scep_last_error(h))
#define SCEP_MESSAGE_FAIL(m) \
    SCEP_FAIL(scep_message_last_status(m), scep_message_last_error(m))

/* ---- 2. Typemaps ------------------------------------------------------ */

/*
 * Text in: PEM certificates, keys, CSRs and CRLs, transactionIDs, names
 * of algorithms and failInfo values, passwords, paths.  None (undef, nil;
 * "" in Tcl) stands for NULL.  Python takes str (as UTF-8) or bytes (as
 * they are), like the message arguments; Perl any scalar but a plain
 * reference; Ruby a String.  A value of another type raises TypeError
 * (Perl: croak), and one holding a NUL byte the invalid-argument error,
 * both naming the argument ("argument 3 (transaction_id) contains a NUL
 * byte"), counted as the caller counts.
 */
#if defined(SWIGPYTHON)
%{
/* str (passed as UTF-8), bytes (passed as they are) or None. */
static int scep_python_text(PyObject *value, int position, const char *name,
                            const char **text)
{
    char message[160];
    const char *data;
    Py_ssize_t length;

    *text = NULL;
    if (value == Py_None)
        return 0;

    if (PyUnicode_Check(value)) {
        data = PyUnicode_AsUTF8AndSize(value, &length);
        if (data == NULL)
            return -1;
    } else if (PyBytes_Check(value)) {
        data = PyBytes_AS_STRING(value);
        length = PyBytes_GET_SIZE(value);
    } else {
        PyErr_Format(PyExc_TypeError, "argument %d (%s) must be str, bytes "
                     "or None, not %s", position, name,
                     Py_TYPE(value)->tp_name);
        return -1;
    }

    if (strlen(data) != (size_t)length) {
        scep_raise(SCEP_ERR_ARGUMENT, scep_nul_message(message,
                   sizeof(message), position, name));
        return -1;
    }
    *text = data;
    return 0;
}
%}
%typemap(in) const char * {
    if (scep_python_text($input, SCEP_ARG_POSITION($input), "$1_name",
                         (const char **)&$1) < 0)
        SWIG_fail;
}
%typemap(freearg) const char * "";

#elif defined(SWIGPERL)
%{
/* Any defined scalar but a plain reference, as its string; undef. */
static int scep_perl_text(SV *value, int position, const char *name,
                          const char **text)
{
    char message[160];
    const char *data;
    STRLEN length;

    *text = NULL;
    if (!SvOK(value))
        return 0;

    if (SvROK(value) && !SvAMAGIC(value)) {
        snprintf(message, sizeof(message), "argument %d (%s) must be a "
                 "string or undef, not a reference", position, name);
        scep_raise(SCEP_ERR_ARGUMENT, message);
        return -1;
    }
    data = SvPV(value, length);
    if (strlen(data) != length) {
        scep_raise(SCEP_ERR_ARGUMENT, scep_nul_message(message,
                   sizeof(message), position, name));
        return -1;
    }
    *text = data;
    return 0;
}
%}
%typemap(in) const char * {
    if (scep_perl_text($input, SCEP_ARG_POSITION($input), "$1_name",
                       (const char **)&$1) < 0)
        SWIG_fail;
}
%typemap(freearg) const char * "";

#elif defined(SWIGRUBY)
%{
/* A String or nil; raises (a longjmp) otherwise. */
static const char *scep_ruby_text(VALUE value, int position,
                                  const char *name)
{
    char message[160];

    if (NIL_P(value))
        return NULL;

    if (!RB_TYPE_P(value, T_STRING))
        rb_raise(rb_eTypeError, "argument %d (%s) must be a String or nil, "
                 "not %s", position, name, rb_obj_classname(value));
    if (memchr(RSTRING_PTR(value), '\0', RSTRING_LEN(value)) != NULL)
        scep_raise(SCEP_ERR_ARGUMENT, scep_nul_message(message,
                   sizeof(message), position, name));
    return StringValueCStr(value);
}
%}
%typemap(in) const char * {
    $1 = ($1_ltype)scep_ruby_text($input, SCEP_ARG_POSITION($input),
                                  "$1_name");
}
%typemap(freearg) const char * "";

#elif defined(SWIGTCL)
%{
/* Tcl keeps a NUL inside a string as the two bytes C0 80. */
static int scep_tcl_has_nul(const char *data, int length)
{
    const char *end = data + length;
    const char *p = data;

    while (p < end && (p = memchr(p, 0xC0, (size_t)(end - p))) != NULL) {
        if (p + 1 < end && (unsigned char)p[1] == 0x80)
            return 1;
        p++;
    }
    return 0;
}

/*
 * Tcl has no null: an empty string stands for "none" (no signer
 * certificate, default algorithm...), unless empty_is_text (a password
 * or PIN may really be empty).
 */
static int scep_tcl_text(Tcl_Interp *interp, Tcl_Obj *value, int position,
                         const char *name, int empty_is_text,
                         const char **text)
{
    char message[160];
    int length = 0;
    const char *data = Tcl_GetStringFromObj(value, &length);

    *text = NULL;
    if (scep_tcl_has_nul(data, length)) {
        scep_raise(interp, SCEP_ERR_ARGUMENT, scep_nul_message(message,
                   sizeof(message), position, name));
        return -1;
    }
    if (length > 0 || empty_is_text)
        *text = data;
    return 0;
}
%}
%typemap(in) const char * {
    if (scep_tcl_text(interp, $input, SCEP_ARG_POSITION($input), "$1_name",
                      0, (const char **)&$1) < 0)
        SWIG_fail;
}
%typemap(in) const char *password, const char *pin {
    if (scep_tcl_text(interp, $input, SCEP_ARG_POSITION($input), "$1_name",
                      1, (const char **)&$1) < 0)
        SWIG_fail;
}
%typemap(freearg) const char * "";
#endif

/* Bytes in: a message as bytes or text (PEM, base64). */
#if defined(SWIGPYTHON)
%typemap(in) (const unsigned char *data, size_t len) {
    char *buffer = NULL;
    Py_ssize_t length = 0;

    if (PyBytes_Check($input)) {
        PyBytes_AsStringAndSize($input, &buffer, &length);
    } else if (PyByteArray_Check($input)) {
        buffer = PyByteArray_AsString($input);
        length = PyByteArray_Size($input);
    } else if (PyUnicode_Check($input)) {
        buffer = (char *)PyUnicode_AsUTF8AndSize($input, &length);
        if (buffer == NULL)
            SWIG_fail;
    } else {
        PyErr_Format(PyExc_TypeError, "argument %d (%s) must be bytes or "
                     "str, not %s", SCEP_ARG_POSITION($input), "$1_name",
                     Py_TYPE($input)->tp_name);
        SWIG_fail;
    }
    $1 = ($1_ltype)buffer;
    $2 = (size_t)length;
}
#elif defined(SWIGPERL)
%typemap(in) (const unsigned char *data, size_t len) {
    STRLEN length = 0;

    if (!SvOK($input))
        SWIG_croak("a message must be a string, not undef");
    $1 = ($1_ltype)SvPVbyte($input, length);
    $2 = (size_t)length;
}
#elif defined(SWIGRUBY)
%typemap(in) (const unsigned char *data, size_t len) {
    if (!RB_TYPE_P($input, T_STRING))
        rb_raise(rb_eTypeError, "argument %d (%s) must be a String, not %s",
                 SCEP_ARG_POSITION($input), "$1_name",
                 rb_obj_classname($input));
    $1 = ($1_ltype)RSTRING_PTR($input);
    $2 = (size_t)RSTRING_LEN($input);
}
#elif defined(SWIGTCL)
%typemap(in) (const unsigned char *data, size_t len) {
    int length = 0;

    $1 = Tcl_GetByteArrayFromObj($input, &length);
    $2 = (size_t)length;
}
#endif

/*
 * Bytes out: nonces and decoded DER as bytes; messages a builder made
 * (named built) as text when PEM and bytes when DER.  Either way the
 * library's buffer is freed here.
 */
%typemap(in, numinputs=0) (unsigned char **out, size_t *out_len)
    (unsigned char *buffer = NULL, size_t length = 0) {
    $1 = &buffer;
    $2 = &length;
}
%typemap(freearg) (unsigned char **out, size_t *out_len) {
    if ($1 != NULL) {
        scep_free(*$1);
        *$1 = NULL;
    }
}
%apply (unsigned char **out, size_t *out_len) {
    (unsigned char **built, size_t *built_len)
};

#if defined(SWIGPYTHON)
%typemap(argout) (unsigned char **out, size_t *out_len) {
    PyObject *value = SCEP_BYTES(*$1, *$2);

    if (value == NULL)
        SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, value);
}
%typemap(argout) (unsigned char **built, size_t *built_len) {
    PyObject *value = scep_is_pem(*$1, *$2) ? SCEP_TEXT(*$1, *$2)
                                            : SCEP_BYTES(*$1, *$2);

    if (value == NULL)
        SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, value);
}
#elif defined(SWIGPERL)
%typemap(argout) (unsigned char **out, size_t *out_len) {
    if (argvi >= items)
        EXTEND(sp, argvi + 1);
    $result = sv_2mortal(SCEP_BYTES(*$1, *$2));
    argvi++;
}
%typemap(argout) (unsigned char **built, size_t *built_len) {
    if (argvi >= items)
        EXTEND(sp, argvi + 1);
    $result = sv_2mortal(SCEP_BYTES(*$1, *$2));
    argvi++;
}
#elif defined(SWIGRUBY)
%typemap(argout) (unsigned char **out, size_t *out_len) {
    $result = SCEP_BYTES(*$1, *$2);
}
%typemap(argout) (unsigned char **built, size_t *built_len) {
    $result = scep_is_pem(*$1, *$2) ? SCEP_TEXT(*$1, *$2)
                                    : SCEP_BYTES(*$1, *$2);
}
#elif defined(SWIGTCL)
/* SWIG's Tcl module emits no freearg for arguments without input, so the
 * buffer is freed here, once copied. */
%typemap(argout) (unsigned char **out, size_t *out_len) {
    Tcl_SetObjResult(interp, SCEP_BYTES(*$1, *$2));
    scep_free(*$1);
    *$1 = NULL;
}
%typemap(argout) (unsigned char **built, size_t *built_len) {
    Tcl_SetObjResult(interp, scep_is_pem(*$1, *$2) ? SCEP_TEXT(*$1, *$2)
                                                   : SCEP_BYTES(*$1, *$2));
    scep_free(*$1);
    *$1 = NULL;
}
#endif

/*
 * Results: a status that only says whether the call worked returns
 * nothing (or the output argument); -1 and NULL raise.  In methods,
 * arg1 is the handle or message the call was made on.
 */
#if defined(SWIGPYTHON)
%typemap(out) scep_handle_rc {
    if ($1 < 0)
        SCEP_HANDLE_FAIL(arg1);
    $result = SWIG_Py_Void();
}
%typemap(out) scep_message_rc {
    if ($1 < 0)
        SCEP_MESSAGE_FAIL(arg1);
    $result = SWIG_Py_Void();
}
%typemap(out) scep_handle_int {
    if ($1 < 0)
        SCEP_HANDLE_FAIL(arg1);
    $result = PyLong_FromLong($1);
}
%typemap(out) scep_message_text {
    if ($1 == NULL)
        SCEP_MESSAGE_FAIL(arg1);
    $result = SCEP_TEXT($1, strlen($1));
}
#elif defined(SWIGPERL)
%typemap(out) scep_handle_rc {
    if ($1 < 0)
        SCEP_HANDLE_FAIL(arg1);
}
%typemap(out) scep_message_rc {
    if ($1 < 0)
        SCEP_MESSAGE_FAIL(arg1);
}
%typemap(out) scep_handle_int {
    if ($1 < 0)
        SCEP_HANDLE_FAIL(arg1);
    $result = sv_2mortal(newSViv($1));
    argvi++;
}
%typemap(out) scep_message_text {
    if ($1 == NULL)
        SCEP_MESSAGE_FAIL(arg1);
    $result = sv_2mortal(SCEP_TEXT($1, strlen($1)));
    argvi++;
}
#elif defined(SWIGRUBY)
%typemap(out) scep_handle_rc {
    if ($1 < 0)
        SCEP_HANDLE_FAIL(arg1);
    $result = Qnil;
}
%typemap(out) scep_message_rc {
    if ($1 < 0)
        SCEP_MESSAGE_FAIL(arg1);
    $result = Qnil;
}
%typemap(out) scep_handle_int {
    if ($1 < 0)
        SCEP_HANDLE_FAIL(arg1);
    $result = INT2NUM($1);
}
%typemap(out) scep_message_text {
    if ($1 == NULL)
        SCEP_MESSAGE_FAIL(arg1);
    $result = SCEP_TEXT($1, strlen($1));
}
#elif defined(SWIGTCL)
%typemap(out) scep_handle_rc {
    if ($1 < 0)
        SCEP_HANDLE_FAIL(arg1);
}
%typemap(out) scep_message_rc {
    if ($1 < 0)
        SCEP_MESSAGE_FAIL(arg1);
}
%typemap(out) scep_handle_int {
    if ($1 < 0)
        SCEP_HANDLE_FAIL(arg1);
    Tcl_SetObjResult(interp, Tcl_NewIntObj($1));
}
%typemap(out) scep_message_text {
    if ($1 == NULL)
        SCEP_MESSAGE_FAIL(arg1);
    Tcl_SetObjResult(interp, SCEP_TEXT($1, strlen($1)));
}

/* SWIG's Tcl runtime never hands ownership of a returned object to its
 * command; the messages parse and unwrap make must be freed with it. */
%typemap(out) struct scep_message * {
    Tcl_SetObjResult(interp, SWIG_NewInstanceObj(%as_voidptr($1),
                                                 $1_descriptor, $owner));
}
#endif

/*
 * The object a method is called on.  Destroying it explicitly (Python's
 * __swig_destroy__, Perl's DESTROY, Tcl's delete_ command) clears the
 * pointer the proxy holds, so a later call raises instead of reaching
 * freed memory.
 */
%typemap(in) struct scep_handle *self (void *argp = 0, int res = 0),
             struct scep_message *self (void *argp = 0, int res = 0) {
    res = SWIG_ConvertPtr($input, &argp, $descriptor,
                          $disown ? ($disown | SWIG_POINTER_CLEAR) : 0);
    if (!SWIG_IsOK(res)) {
        %argument_fail(res, "$type", $symname, $argnum);
    }
    $1 = ($ltype)argp;
}
%typemap(check) struct scep_handle *self, struct scep_message *self {
    if ($1 == NULL)
        SCEP_FAIL(SCEP_ERR_ARGUMENT, "this object has already been freed");
}

/* Parse, unwrap and read_ca_certs make a message the caller owns. */
%define SCEP_MESSAGE_MAKER(method)
%newobject scep_handle::method;
%exception scep_handle::method {
    $action
    if (result == NULL)
        SCEP_HANDLE_FAIL(arg1);
}
%enddef

SCEP_MESSAGE_MAKER(parse)
SCEP_MESSAGE_MAKER(unwrap)
SCEP_MESSAGE_MAKER(read_ca_certs)

%exception scep_handle::scep_handle {
    $action
    if (result == NULL)
        SCEP_FAIL(SCEP_ERR_MEMORY, "out of memory creating a handle");
}

/* ---- 3. Constants and module functions ------------------------------ */

%constant int FORMAT_PEM = SCEP_FORMAT_PEM;
%constant int FORMAT_DER = SCEP_FORMAT_DER;

%constant int LOG_NONE = SCEP_LOG_NONE;
%constant int LOG_FATAL = SCEP_LOG_FATAL;
%constant int LOG_ERROR = SCEP_LOG_ERROR;
%constant int LOG_WARN = SCEP_LOG_WARN;
%constant int LOG_INFO = SCEP_LOG_INFO;
%constant int LOG_DEBUG = SCEP_LOG_DEBUG;

%constant int CAP_AES = SCEP_CAP_AES;
%constant int CAP_DES3 = SCEP_CAP_DES3;
%constant int CAP_GETNEXTCACERT = SCEP_CAP_GETNEXTCACERT;
%constant int CAP_POSTPKIOPERATION = SCEP_CAP_POSTPKIOPERATION;
%constant int CAP_RENEWAL = SCEP_CAP_RENEWAL;
%constant int CAP_SHA1 = SCEP_CAP_SHA1;
%constant int CAP_SHA256 = SCEP_CAP_SHA256;
%constant int CAP_SHA512 = SCEP_CAP_SHA512;
%constant int CAP_SCEPSTANDARD = SCEP_CAP_SCEPSTANDARD;
%constant int CAP_UPDATE = SCEP_CAP_UPDATE;

%constant int OK = SCEP_OK;
%constant int ERR_ARGUMENT = SCEP_ERR_ARGUMENT;
%constant int ERR_MEMORY = SCEP_ERR_MEMORY;
%constant int ERR_FORMAT = SCEP_ERR_FORMAT;
%constant int ERR_KEY = SCEP_ERR_KEY;
%constant int ERR_CERT = SCEP_ERR_CERT;
%constant int ERR_ALGORITHM = SCEP_ERR_ALGORITHM;
%constant int ERR_ATTRIBUTE = SCEP_ERR_ATTRIBUTE;
%constant int ERR_VERIFY = SCEP_ERR_VERIFY;
%constant int ERR_DECRYPT = SCEP_ERR_DECRYPT;
%constant int ERR_CONTENT = SCEP_ERR_CONTENT;
%constant int ERR_STATE = SCEP_ERR_STATE;
%constant int ERR_LIMIT = SCEP_ERR_LIMIT;
%constant int ERR_IO = SCEP_ERR_IO;
%constant int ERR_PKCS11 = SCEP_ERR_PKCS11;
%constant int ERR_INTERNAL = SCEP_ERR_INTERNAL;

%constant int MAX_MESSAGE_SIZE = SCEP_MAX_MESSAGE_SIZE;

%rename(version) scep_version;
const char *scep_version(void);
%rename(status_name) scep_status_name;
const char *scep_status_name(int status);

/* ---- 4. Handle -------------------------------------------------------- */

%rename(Handle) scep_handle;
%rename(Message) scep_message;
%nodefaultctor scep_message;

struct scep_handle {};
struct scep_message {};

%extend scep_handle {
    scep_handle() {
        return scep_create_handle();
    }

    ~scep_handle() {
        scep_cleanup($self);
    }

    /* Configuration; a missing or None argument restores the default. */
    scep_handle_rc set_sigalg(const char *digest = NULL) {
        return scep_set_sigalg($self, digest);
    }
    scep_handle_rc set_encalg(const char *cipher = NULL) {
        return scep_set_encalg($self, cipher);
    }
    const char *get_sigalg() {
        return scep_get_sigalg($self);
    }
    const char *get_encalg() {
        return scep_get_encalg($self);
    }
    scep_handle_rc set_key_password(const char *password = NULL) {
        return scep_set_key_password($self, password);
    }
    scep_handle_rc set_key_password_env(const char *variable = NULL) {
        return scep_set_key_password_env($self, variable);
    }
    scep_handle_rc set_output_format(int format) {
        return scep_set_output_format($self, format);
    }
    scep_handle_rc set_log_level(int level) {
        return scep_set_log_level($self, level);
    }
    scep_handle_rc set_log_file(const char *path = NULL) {
        return scep_set_log_file($self, path);
    }
    scep_handle_rc set_pkcs11(const char *module_path, const char *pin,
                              const char *token_label = NULL,
                              int slot = -1) {
        return scep_set_pkcs11($self, module_path, pin, token_label, slot);
    }
    scep_handle_rc set_pkcs11_pin_env(const char *variable) {
        return scep_set_pkcs11_pin_env($self, variable);
    }

    /* Requests. */
    scep_handle_rc pkcsreq(const char *key, const char *cert,
                           const char *enc_cert, const char *csr,
                           unsigned char **built, size_t *built_len) {
        return scep_pkcsreq($self, key, cert, enc_cert, csr, built,
                            built_len);
    }
    scep_handle_rc renewalreq(const char *key, const char *cert,
                              const char *enc_cert, const char *csr,
                              unsigned char **built, size_t *built_len) {
        return scep_renewalreq($self, key, cert, enc_cert, csr, built,
                               built_len);
    }
    scep_handle_rc getcertinitial(const char *key, const char *cert,
                                  const char *enc_cert, const char *csr,
                                  const char *issuer_cert,
                                  unsigned char **built,
                                  size_t *built_len) {
        return scep_getcertinitial($self, key, cert, enc_cert, csr,
                                   issuer_cert, built, built_len);
    }
    scep_handle_rc getcert(const char *key, const char *cert,
                           const char *enc_cert, const char *issuer_cert,
                           const char *serial, unsigned char **built,
                           size_t *built_len) {
        return scep_getcert($self, key, cert, enc_cert, issuer_cert, serial,
                            built, built_len);
    }
    scep_handle_rc getcrl(const char *key, const char *cert,
                          const char *enc_cert, const char *cert_to_check,
                          unsigned char **built, size_t *built_len) {
        return scep_getcrl($self, key, cert, enc_cert, cert_to_check, built,
                           built_len);
    }

    /* Replies, from the request or from its parts (_wop7). */
    scep_handle_rc create_pending_reply(const char *key, const char *cert,
                                        const unsigned char *data,
                                        size_t len, unsigned char **built,
                                        size_t *built_len) {
        return scep_create_pending_reply($self, key, cert, data, len, built,
                                         built_len);
    }
    scep_handle_rc create_pending_reply_wop7(const char *key,
                                             const char *cert,
                                             const char *transaction_id,
                                             const unsigned char *data,
                                             size_t len,
                                             unsigned char **built,
                                             size_t *built_len) {
        return scep_create_pending_reply_wop7($self, key, cert,
                                              transaction_id, data, len,
                                              built, built_len);
    }
    scep_handle_rc create_error_reply(const char *key, const char *cert,
                                      const unsigned char *data, size_t len,
                                      const char *fail_info,
                                      unsigned char **built,
                                      size_t *built_len) {
        return scep_create_error_reply($self, key, cert, data, len,
                                       fail_info, built, built_len);
    }
    scep_handle_rc create_error_reply_wop7(const char *key,
                                           const char *cert,
                                           const char *transaction_id,
                                           const unsigned char *data,
                                           size_t len,
                                           const char *fail_info,
                                           unsigned char **built,
                                           size_t *built_len) {
        return scep_create_error_reply_wop7($self, key, cert, transaction_id,
                                            data, len, fail_info, built,
                                            built_len);
    }
    scep_handle_rc create_certificate_reply(const char *key,
                                            const char *cert,
                                            const unsigned char *data,
                                            size_t len, const char *certs,
                                            unsigned char **built,
                                            size_t *built_len) {
        return scep_create_certificate_reply($self, key, cert, data, len,
                                             certs, built, built_len);
    }
    scep_handle_rc create_certificate_reply_wop7(
        const char *key, const char *cert, const char *transaction_id,
        const unsigned char *data, size_t len, const char *enc_cert,
        const char *certs, unsigned char **built, size_t *built_len) {
        return scep_create_certificate_reply_wop7($self, key, cert,
                                                  transaction_id, data, len,
                                                  enc_cert, certs, built,
                                                  built_len);
    }
    scep_handle_rc create_crl_reply(const char *key, const char *cert,
                                    const unsigned char *data, size_t len,
                                    const char *crl, unsigned char **built,
                                    size_t *built_len) {
        return scep_create_crl_reply($self, key, cert, data, len, crl, built,
                                     built_len);
    }
    scep_handle_rc create_crl_reply_wop7(
        const char *key, const char *cert, const char *transaction_id,
        const unsigned char *data, size_t len, const char *enc_cert,
        const char *crl, unsigned char **built, size_t *built_len) {
        return scep_create_crl_reply_wop7($self, key, cert, transaction_id,
                                          data, len, enc_cert, crl, built,
                                          built_len);
    }

    /* Certs-only bundles: GetCACert, and the signed GetNextCACert. */
    scep_handle_rc create_certs_only(const char *chain, const char *key,
                                     const char *cert,
                                     unsigned char **built,
                                     size_t *built_len) {
        return scep_create_certs_only($self, chain, key, cert, built,
                                      built_len);
    }
    scep_handle_rc create_nextca_reply(const char *chain, const char *cert,
                                       const char *key,
                                       unsigned char **built,
                                       size_t *built_len) {
        return scep_create_nextca_reply($self, chain, cert, key, built,
                                        built_len);
    }

    /* Reading. */
    struct scep_message *parse(const unsigned char *data, size_t len,
                               const char *verify_cert = NULL) {
        return scep_parse($self, data, len, verify_cert);
    }
    struct scep_message *unwrap(const unsigned char *data, size_t len,
                                const char *sig_cert, const char *enc_cert,
                                const char *enc_key) {
        return scep_unwrap($self, data, len, sig_cert, enc_cert, enc_key);
    }
    struct scep_message *read_ca_certs(const unsigned char *data,
                                       size_t len) {
        return scep_read_ca_certs($self, data, len);
    }
    scep_handle_rc decode_input(const unsigned char *data, size_t len,
                                unsigned char **out, size_t *out_len) {
        return scep_decode_input($self, data, len, out, out_len);
    }
    scep_handle_int parse_capabilities(const unsigned char *data,
                                       size_t len) {
        return scep_parse_capabilities($self, (const char *)data, len);
    }

    int last_status() {
        return scep_last_status($self);
    }
    const char *last_error() {
        return scep_last_error($self);
    }
}

/* ---- 5. Message ------------------------------------------------------- */

%rename(last_status) scep_message::status_of_last_call;
%rename(last_error) scep_message::error_of_last_call;

%extend scep_message {
    ~scep_message() {
        scep_message_free($self);
    }

    scep_message_text transaction_id() {
        return scep_get_transaction_id($self);
    }
    scep_message_text message_type() {
        return scep_get_message_type($self);
    }
    scep_message_text pki_status() {
        return scep_get_pki_status($self);
    }
    scep_message_text fail_info() {
        return scep_get_fail_info($self);
    }
    scep_message_text fail_info_text() {
        return scep_get_fail_info_text($self);
    }
    scep_message_rc sender_nonce(unsigned char **out, size_t *out_len) {
        return scep_get_sender_nonce($self, out, out_len);
    }
    scep_message_rc recipient_nonce(unsigned char **out, size_t *out_len) {
        return scep_get_recipient_nonce($self, out, out_len);
    }
    scep_message_text digest() {
        return scep_get_digest($self);
    }
    scep_message_text cipher() {
        return scep_get_cipher($self);
    }
    bool signature_verified() {
        return scep_get_signature_verified($self) == 1;
    }
    scep_message_text signer_cert() {
        return scep_get_signer_cert($self);
    }
    scep_message_text pkcs10() {
        return scep_get_pkcs10($self);
    }
    scep_message_text cert() {
        return scep_get_cert($self);
    }
    scep_message_text crl() {
        return scep_get_crl($self);
    }
    scep_message_text subject() {
        return scep_get_subject($self);
    }
    scep_message_text issuer() {
        return scep_get_issuer($self);
    }
    scep_message_text getcert_serial() {
        return scep_get_getcert_serial($self);
    }
    scep_message_text challenge_password() {
        return scep_get_challenge_password($self);
    }
    scep_message_text ca_cert() {
        return scep_get_ca_cert($self);
    }
    scep_message_text ra_signing_cert() {
        return scep_get_ra_signing_cert($self);
    }
    scep_message_text ra_encryption_cert() {
        return scep_get_ra_encryption_cert($self);
    }

    /* Renamed to last_status and last_error: the C names are taken. */
    int status_of_last_call() {
        return scep_message_last_status($self);
    }
    const char *error_of_last_call() {
        return scep_message_last_error($self);
    }
}

/* ==== 6. Per-language extras =========================================== */

/* ---- Python: the error classes, properties, __repr__ ----------------- */
#if defined(SWIGPYTHON)
%init %{
    {
        PyObject *base;
        char qualified[64];
        int i;

        base = PyErr_NewExceptionWithDoc(
            "scep.Error", "A libscep call failed; .status holds the code, "
            ".status_name its name.", NULL, NULL);
        scep_python_errors[0] = base;
        PyModule_AddObject(m, "Error", base);
        Py_INCREF(base);
        for (i = 1; i < SCEP_ERROR_CLASS_COUNT; i++) {
            snprintf(qualified, sizeof(qualified), "scep.%s",
                     scep_error_class_names[i]);
            scep_python_errors[i] = PyErr_NewException(qualified, base,
                                                       NULL);
            Py_INCREF(scep_python_errors[i]);
            PyModule_AddObject(m, scep_error_class_names[i],
                               scep_python_errors[i]);
        }
    }
%}

%pythoncode %{
Error = _scep.Error
InvalidArgumentError = _scep.InvalidArgumentError
OutOfMemoryError = _scep.OutOfMemoryError
FormatError = _scep.FormatError
KeyLoadError = _scep.KeyLoadError
CertificateError = _scep.CertificateError
AlgorithmError = _scep.AlgorithmError
MessageAttributeError = _scep.MessageAttributeError
VerifyError = _scep.VerifyError
DecryptError = _scep.DecryptError
ContentError = _scep.ContentError
StateError = _scep.StateError
LimitError = _scep.LimitError
FileError = _scep.FileError
PKCS11Error = _scep.PKCS11Error
InternalError = _scep.InternalError
%}

%extend scep_handle {
%pythoncode %{
    sigalg = property(get_sigalg, set_sigalg,
                      doc="The signing digest, None for the default.")
    encalg = property(get_encalg, set_encalg,
                      doc="The content cipher, None for the default.")

    def __repr__(self):
        return "<scep.Handle sigalg=%r encalg=%r>" % (self.sigalg,
                                                       self.encalg)
%}
}

%extend scep_message {
%pythoncode %{
    def _optional(self, getter):
        try:
            return getter()
        except StateError:
            return None

    @property
    def verified(self):
        """True when the signature was checked and verified."""
        return self.signature_verified()

    def __repr__(self):
        parts = ["type=%s" % self._optional(self.message_type)]
        for name, getter in (("transaction_id", self.transaction_id),
                             ("pki_status", self.pki_status),
                             ("fail_info", self.fail_info)):
            value = self._optional(getter)
            if value is not None:
                parts.append("%s=%s" % (name, value))
        return "<scep.Message %s>" % " ".join(parts)
%}
}
#endif

/* ---- Ruby: SCEP::Error and its subclasses, predicates ---------------- */
#if defined(SWIGRUBY)
%header %{
SWIGEXPORT void Init_SCEP(void);
SWIGEXPORT void Init_scep(void);

/* require 'scep' loads scep.so and calls this. */
void Init_scep(void)
{
    Init_SCEP();
}
%}

%init %{
    {
        VALUE base;
        int i;

        base = rb_define_class_under(mSCEP, "Error", rb_eStandardError);
        rb_define_attr(base, "status", 1, 0);
        rb_define_attr(base, "status_name", 1, 0);
        scep_ruby_errors[0] = base;
        rb_gc_register_address(&scep_ruby_errors[0]);
        for (i = 1; i < SCEP_ERROR_CLASS_COUNT; i++) {
            scep_ruby_errors[i] = rb_define_class_under(
                mSCEP, scep_error_class_names[i], base);
            rb_gc_register_address(&scep_ruby_errors[i]);
        }
    }
%}

%rename("signature_verified?") scep_message::is_signature_verified;
%rename("success?") scep_message::is_success;
%rename("failure?") scep_message::is_failure;
%rename("pending?") scep_message::is_pending;

%extend scep_message {
    bool is_signature_verified() {
        return scep_get_signature_verified($self) == 1;
    }

    /* PKI status predicates; false for messages that are not a CertRep. */
    bool is_success() {
        const char *status = scep_get_pki_status($self);

        return status != NULL && strcmp(status, "SUCCESS") == 0;
    }
    bool is_failure() {
        const char *status = scep_get_pki_status($self);

        return status != NULL && strcmp(status, "FAILURE") == 0;
    }
    bool is_pending() {
        const char *status = scep_get_pki_status($self);

        return status != NULL && strcmp(status, "PENDING") == 0;
    }
}
#endif

/* ---- Tcl: package scep, commands in namespace scep ------------------- */
#if defined(SWIGTCL)
/*
 * The wrapper provides the package itself; pkgIndex.tcl next to scep.so
 * (written by swig/CMakeLists.txt) lets package require scep find it.
 * Objects are commands: delete them with "rename $obj {}" or
 * "$obj -delete".
 */
#endif

/* ---- Perl: package scep, classes scep::Handle and scep::Message ------ */
#if defined(SWIGPERL)
%perlcode %{
our $last_status = 0;
our $last_status_name = 'SCEP_OK';
%}
#endif
