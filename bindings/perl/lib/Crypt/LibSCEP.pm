package Crypt::LibSCEP;

# The interface of the old XS module Crypt::LibSCEP, written in Perl on top
# of the SWIG module "scep".  Every function keeps its old name, arguments
# and kind of result; the POD at the end says what changed.

use strict;
use warnings;

use Carp qw(croak);
use Scalar::Util qw(blessed);

use scep;

our $VERSION = '1.00';

my %PASSIN = map { $_ => 1 } qw(plain pass env);
my @CONF_KEYS = qw(encalg handle log passin passin_env passwd sigalg);
my %CONF_KEY = map { $_ => 1 } @CONF_KEYS;

# What the POD calls the arguments the scep module names in its messages
# ("argument 3 (transaction_id) contains a NUL byte").
my %ARGUMENT_NAME = (
    key => 'argument $sig_key', cert => 'argument $sig_cert',
    csr => 'argument $req', transaction_id => 'argument $transid',
    fail_info => 'argument $failInfo', certs => 'argument $issuedCert',
    cert_to_check => 'argument $cert',
    digest => "configuration's sigalg", cipher => "configuration's encalg",
    password => "configuration's passwd", path => "configuration's log",
    variable => "configuration's passin_env",
);

# ---- Errors ------------------------------------------------------------

# Re-raises an error of the scep module from the caller's line: the
# library's message stays whole, only the location inside this module goes.
sub _rethrow {
    my ($error) = @_;
    my $text = "$error";

    $text =~ s/ at \S+ line \d+\.?\n\z//;
    $text =~ s/\n\z//;
    croak $text;
}

# An error of the scep module about one argument, told with this module's
# name for it: the scep module counts its arguments differently.
sub _argument_error {
    my ($function, $error) = @_;

    return $error unless $error =~ /^argument \d+ \((\w+)\) (.*)\z/s;
    my $name = $ARGUMENT_NAME{$1} // "argument \$$1";
    return "Crypt::LibSCEP::$function: the $name $2";
}

sub _require_args {
    my ($function, $names, @values) = @_;

    for my $i (0 .. $#$names) {
        croak "Crypt::LibSCEP::$function: the argument $names->[$i] "
            . "is missing" unless defined $values[$i];
    }
}

# ---- Configuration -----------------------------------------------------

sub _check_conf {
    my ($function, $conf) = @_;

    croak "Crypt::LibSCEP::$function: the configuration (first argument) "
        . "must be a hash reference, such as {}"
        unless ref $conf eq 'HASH';

    # A misspelt key would otherwise quietly leave its default in force.
    for my $key (sort keys %$conf) {
        croak "Crypt::LibSCEP::$function: unknown configuration key "
            . "'$key' (known: @{[join ', ', @CONF_KEYS]})"
            unless $CONF_KEY{$key};
        next if $key eq 'handle' || !defined $conf->{$key};
        croak "Crypt::LibSCEP::$function: the configuration's $key "
            . "contains a NUL byte" if index($conf->{$key}, "\0") >= 0;
    }
}

# The scep::Handle behind a handle that create_handle returned.
sub _scep_handle {
    my ($function, $handle) = @_;

    croak "Crypt::LibSCEP::$function: the configuration's handle is not "
        . "one that create_handle returned"
        unless blessed $handle && $handle->isa('Crypt::LibSCEP::Handle');
    croak "Crypt::LibSCEP::$function: the configuration's handle was "
        . "already released with cleanup"
        unless defined $handle->{scep};
    return $handle->{scep};
}

sub _set_algorithms {
    my ($scep, $conf) = @_;

    $scep->set_sigalg($conf->{sigalg}) if defined $conf->{sigalg};
    $scep->set_encalg($conf->{encalg}) if defined $conf->{encalg};
}

sub _set_log {
    my ($scep, $conf) = @_;

    return unless defined $conf->{log};
    $scep->set_log_file($conf->{log});
    $scep->set_log_level($scep::LOG_DEBUG);
}

# The password belongs to one call, as it did in the old module: it is set
# from this call's configuration and forgotten when the call ends.
sub _set_password {
    my ($function, $scep, $conf) = @_;
    my $passin = $conf->{passin} // (defined $conf->{passwd} ? 'pass'
                                                             : 'plain');

    croak "Crypt::LibSCEP::$function: passin must be plain, pass or env, "
        . "not '$passin'" unless $PASSIN{$passin};
    if ($passin eq 'pass' && defined $conf->{passwd}) {
        $scep->set_key_password($conf->{passwd});
    } elsif ($passin eq 'env') {
        $scep->set_key_password_env($conf->{passin_env} // 'pwd');
    } else {
        $scep->set_key_password(undef);
    }
}

# A handle for one call: the configuration's own, updated with this call's
# algorithms, or a new one configured from the hash.
sub _handle_for {
    my ($function, $conf) = @_;
    my $scep;

    _check_conf($function, $conf);
    if (exists $conf->{handle}) {
        $scep = _scep_handle($function, $conf->{handle});
    } else {
        $scep = scep::Handle->new();
        _set_log($scep, $conf);
    }
    _set_algorithms($scep, $conf);
    _set_password($function, $scep, $conf);
    return $scep;
}

# Runs $work with the call's handle and turns any failure into a croak
# from the caller's line.
sub _call {
    my ($function, $conf, $work) = @_;
    my $scep;
    my $result = eval {
        $scep = _handle_for($function, $conf);
        $work->($scep);
    };
    my $error = $@;

    eval { $scep->set_key_password(undef) if defined $scep };
    _rethrow(_argument_error($function, $error)) if $error;
    return $result;
}

# ---- Handles -------------------------------------------------------------

sub create_handle {
    my ($conf) = @_;

    _check_conf('create_handle', $conf);
    my $scep = eval {
        my $new = scep::Handle->new();
        _set_log($new, $conf);
        _set_algorithms($new, $conf);
        $new;
    };
    _rethrow(_argument_error('create_handle', $@)) unless $scep;
    return bless { scep => $scep }, 'Crypt::LibSCEP::Handle';
}

sub cleanup {
    my ($handle) = @_;

    croak 'Crypt::LibSCEP::cleanup: the argument is not a handle that '
        . 'create_handle returned'
        unless blessed $handle && $handle->isa('Crypt::LibSCEP::Handle');
    delete $handle->{scep};
    return;
}

sub create_engine {
    my ($conf, $engine) = @_;

    _check_conf('create_engine', $conf);
    croak 'Crypt::LibSCEP::create_engine: the configuration needs a '
        . 'handle: the token is configured on it for the calls that follow'
        unless exists $conf->{handle};
    my $scep = _scep_handle('create_engine', $conf->{handle});
    croak 'Crypt::LibSCEP::create_engine: the engine configuration '
        . '(second argument) must be a hash reference'
        unless ref $engine eq 'HASH';
    my $label = $engine->{label} // '';
    croak "Crypt::LibSCEP::create_engine: unsupported engine '$label': "
        . "only label => 'pkcs11' is supported" unless $label eq 'pkcs11';
    croak 'Crypt::LibSCEP::create_engine: the pkcs11 engine needs module, '
        . 'the path of the PKCS#11 module'
        unless defined $engine->{module} && length $engine->{module};
    croak 'Crypt::LibSCEP::create_engine: the pkcs11 engine needs pin '
        . '(or pin_env, the name of a variable holding it)'
        unless defined $engine->{pin} || defined $engine->{pin_env};

    eval {
        $scep->set_pkcs11_pin_env($engine->{pin_env})
            if defined $engine->{pin_env};
        $scep->set_pkcs11($engine->{module}, $engine->{pin},
                          $engine->{token}, $engine->{slot} // -1);
        1;
    } or _rethrow(_argument_error('create_engine', $@));
    return;
}

# ---- Reading messages ----------------------------------------------------

# Messages may be given as the text or DER of the message, or as an object
# that parse or unwrap returned.
sub _message_data {
    my ($message) = @_;

    return $message->{data}
        if blessed $message && $message->isa('Crypt::LibSCEP');
    return $message;
}

sub _wrap_message {
    my ($message, $data) = @_;

    return bless { message => $message, data => $data }, 'Crypt::LibSCEP';
}

sub parse {
    my ($conf, $data) = @_;

    _check_conf('parse', $conf);
    _require_args('parse', ['$msg'], $data);
    $data = _message_data($data);
    return _call('parse', $conf, sub {
        _wrap_message($_[0]->parse($data, undef), $data);
    });
}

sub unwrap {
    my ($conf, $data, $sig_cert, $enc_cert, $enc_key) = @_;

    _check_conf('unwrap', $conf);
    _require_args('unwrap', [qw($msg $enc_cert $enc_key)],
                  $data, $enc_cert, $enc_key);
    $data = _message_data($data);
    return _call('unwrap', $conf, sub {
        _wrap_message($_[0]->unwrap($data, $sig_cert, $enc_cert, $enc_key),
                      $data);
    });
}

# ---- Accessors -----------------------------------------------------------

sub _message {
    my ($function, $parsed) = @_;

    croak "Crypt::LibSCEP::$function: the argument is not a message that "
        . 'parse or unwrap returned'
        unless blessed $parsed && $parsed->isa('Crypt::LibSCEP')
            && defined $parsed->{message};
    return $parsed->{message};
}

# Each old accessor and the scep::Message method that answers it.
my %ACCESSOR = (
    get_transaction_id => 'transaction_id',
    get_message_type   => 'message_type',
    get_getcert_serial => 'getcert_serial',
    get_subject        => 'subject',
    get_issuer         => 'issuer',
    get_failInfo       => 'fail_info',
    get_pkiStatus      => 'pki_status',
    get_cert           => 'cert',
    get_crl            => 'crl',
    get_signer_cert    => 'signer_cert',
    get_pkcs10         => 'pkcs10',
    get_senderNonce    => 'sender_nonce',
);

for my $function (keys %ACCESSOR) {
    my $method = $ACCESSOR{$function};
    my $accessor = sub {
        my $message = _message($function, $_[0]);
        my $value = eval { $message->$method() };

        _rethrow($@) if $@;
        return $value;
    };
    no strict 'refs';
    *{$function} = $accessor;
}

# A request has no recipientNonce; the old module answered "" for it, and
# so does this one.
sub get_recipientNonce {
    my $message = _message('get_recipientNonce', $_[0]);
    my $value = eval { $message->recipient_nonce() };

    return $value unless $@;
    return '' if $scep::last_status == $scep::ERR_STATE;
    _rethrow($@);
}

# ---- Requests ------------------------------------------------------------

sub pkcsreq {
    my ($conf, $sig_key, $sig_cert, $enc_cert, $req) = @_;

    _check_conf('pkcsreq', $conf);
    _require_args('pkcsreq', [qw($sig_key $enc_cert $req)],
                  $sig_key, $enc_cert, $req);
    return _call('pkcsreq', $conf, sub {
        $_[0]->pkcsreq($sig_key, $sig_cert, $enc_cert, $req);
    });
}

sub getcertinitial {
    my ($conf, $sig_key, $sig_cert, $enc_cert, $req, $issuer_cert) = @_;

    _check_conf('getcertinitial', $conf);
    _require_args('getcertinitial',
                  [qw($sig_key $enc_cert $req $issuer_cert)],
                  $sig_key, $enc_cert, $req, $issuer_cert);
    return _call('getcertinitial', $conf, sub {
        $_[0]->getcertinitial($sig_key, $sig_cert, $enc_cert, $req,
                              $issuer_cert);
    });
}

sub getcert {
    my ($conf, $sig_key, $sig_cert, $enc_cert, $issuer_cert, $serial) = @_;

    _check_conf('getcert', $conf);
    _require_args('getcert',
                  [qw($sig_key $sig_cert $enc_cert $issuer_cert $serial)],
                  $sig_key, $sig_cert, $enc_cert, $issuer_cert, $serial);
    return _call('getcert', $conf, sub {
        $_[0]->getcert($sig_key, $sig_cert, $enc_cert, $issuer_cert,
                       "$serial");
    });
}

sub getcrl {
    my ($conf, $sig_key, $sig_cert, $enc_cert, $cert) = @_;

    _check_conf('getcrl', $conf);
    _require_args('getcrl', [qw($sig_key $sig_cert $enc_cert $cert)],
                  $sig_key, $sig_cert, $enc_cert, $cert);
    return _call('getcrl', $conf, sub {
        $_[0]->getcrl($sig_key, $sig_cert, $enc_cert, $cert);
    });
}

# ---- Replies -------------------------------------------------------------

sub create_pending_reply {
    my ($conf, $sig_key, $sig_cert, $request) = @_;

    _check_conf('create_pending_reply', $conf);
    _require_args('create_pending_reply', [qw($sig_key $sig_cert $pkcsreq)],
                  $sig_key, $sig_cert, $request);
    my $data = _message_data($request);
    return _call('create_pending_reply', $conf, sub {
        $_[0]->create_pending_reply($sig_key, $sig_cert, $data);
    });
}

sub create_pending_reply_wop7 {
    my ($conf, $sig_key, $sig_cert, $transid, $nonce) = @_;

    _check_conf('create_pending_reply_wop7', $conf);
    _require_args('create_pending_reply_wop7',
                  [qw($sig_key $sig_cert $transid $senderNonce)],
                  $sig_key, $sig_cert, $transid, $nonce);
    return _call('create_pending_reply_wop7', $conf, sub {
        $_[0]->create_pending_reply_wop7($sig_key, $sig_cert, $transid,
                                         $nonce);
    });
}

sub create_error_reply {
    my ($conf, $sig_key, $sig_cert, $request, $fail_info) = @_;

    _check_conf('create_error_reply', $conf);
    _require_args('create_error_reply',
                  [qw($sig_key $sig_cert $pkcsreq $failInfo)],
                  $sig_key, $sig_cert, $request, $fail_info);
    my $data = _message_data($request);
    return _call('create_error_reply', $conf, sub {
        $_[0]->create_error_reply($sig_key, $sig_cert, $data, $fail_info);
    });
}

sub create_error_reply_wop7 {
    my ($conf, $sig_key, $sig_cert, $transid, $nonce, $fail_info) = @_;

    _check_conf('create_error_reply_wop7', $conf);
    _require_args('create_error_reply_wop7',
                  [qw($sig_key $sig_cert $transid $senderNonce $failInfo)],
                  $sig_key, $sig_cert, $transid, $nonce, $fail_info);
    return _call('create_error_reply_wop7', $conf, sub {
        $_[0]->create_error_reply_wop7($sig_key, $sig_cert, $transid,
                                       $nonce, $fail_info);
    });
}

sub create_certificate_reply {
    my ($conf, $sig_key, $sig_cert, $request, $certs) = @_;

    _check_conf('create_certificate_reply', $conf);
    _require_args('create_certificate_reply',
                  [qw($sig_key $sig_cert $pkcsreq $issuedCert)],
                  $sig_key, $sig_cert, $request, $certs);
    my $data = _message_data($request);
    return _call('create_certificate_reply', $conf, sub {
        $_[0]->create_certificate_reply($sig_key, $sig_cert, $data, $certs);
    });
}

sub create_certificate_reply_wop7 {
    my ($conf, $sig_key, $sig_cert, $transid, $nonce, $enc_cert, $certs)
        = @_;

    _check_conf('create_certificate_reply_wop7', $conf);
    _require_args('create_certificate_reply_wop7',
                  [qw($sig_key $sig_cert $transid $senderNonce $enc_cert
                      $issuedCert)],
                  $sig_key, $sig_cert, $transid, $nonce, $enc_cert, $certs);
    return _call('create_certificate_reply_wop7', $conf, sub {
        $_[0]->create_certificate_reply_wop7($sig_key, $sig_cert, $transid,
                                             $nonce, $enc_cert, $certs);
    });
}

sub create_crl_reply {
    my ($conf, $sig_key, $sig_cert, $request, $crl) = @_;

    _check_conf('create_crl_reply', $conf);
    _require_args('create_crl_reply',
                  [qw($sig_key $sig_cert $getcrl $crl)],
                  $sig_key, $sig_cert, $request, $crl);
    my $data = _message_data($request);
    return _call('create_crl_reply', $conf, sub {
        $_[0]->create_crl_reply($sig_key, $sig_cert, $data, $crl);
    });
}

sub create_crl_reply_wop7 {
    my ($conf, $sig_key, $sig_cert, $transid, $nonce, $enc_cert, $crl) = @_;

    _check_conf('create_crl_reply_wop7', $conf);
    _require_args('create_crl_reply_wop7',
                  [qw($sig_key $sig_cert $transid $senderNonce $enc_cert
                      $crl)],
                  $sig_key, $sig_cert, $transid, $nonce, $enc_cert, $crl);
    return _call('create_crl_reply_wop7', $conf, sub {
        $_[0]->create_crl_reply_wop7($sig_key, $sig_cert, $transid, $nonce,
                                     $enc_cert, $crl);
    });
}

sub create_nextca_reply {
    my ($conf, $chain, $sig_cert, $sig_key) = @_;

    _check_conf('create_nextca_reply', $conf);
    _require_args('create_nextca_reply', [qw($chain $sig_cert $sig_key)],
                  $chain, $sig_cert, $sig_key);
    return _call('create_nextca_reply', $conf, sub {
        $_[0]->create_nextca_reply($chain, $sig_cert, $sig_key);
    });
}

1;
__END__

=head1 NAME

Crypt::LibSCEP - the Crypt::LibSCEP interface on the libscep library

=head1 SYNOPSIS

    use Crypt::LibSCEP;

    # A client enrolls.
    my $pkcsreq = Crypt::LibSCEP::pkcsreq({}, $key, $selfsigned, $ca_cert,
                                          $csr);
    # ... send $pkcsreq, receive $reply ...
    my $answer = Crypt::LibSCEP::unwrap({}, $reply, $ca_cert, $selfsigned,
                                        $key);
    my $issued = Crypt::LibSCEP::get_cert($answer)
        if Crypt::LibSCEP::get_pkiStatus($answer) eq 'SUCCESS';

    # A CA answers.
    my $conf = { passin => 'pass', passwd => $ca_password };
    my $request = Crypt::LibSCEP::unwrap($conf, $pkcsreq, $ca_cert,
                                         $ca_cert, $ca_key);
    my $csr_pem = Crypt::LibSCEP::get_pkcs10($request);
    my $certrep = Crypt::LibSCEP::create_certificate_reply(
        $conf, $ca_key, $ca_cert, $pkcsreq, $issued_pem . $ca_cert);

=head1 DESCRIPTION

Crypt::LibSCEP creates and reads messages of the Simple Certificate
Enrollment Protocol (SCEP, RFC 8894).  This version keeps the interface of
the XS module of the same name (0.08 and before) so that programs written
for it, OpenXPKI's SCEP server among them, run unchanged; underneath it
uses libscep 1.x through its SWIG module C<scep>, on OpenSSL 3, and needs
no OPENSSL_CONF or engine configuration.

Everything is called as a function, C<Crypt::LibSCEP::name(...)>, and
nothing is exported.  Certificates, keys, requests and CRLs are PEM strings
(DER in base64 is read too); messages the module builds are PEM strings
(C<-----BEGIN PKCS7----->); messages it reads may be PEM, DER or base64.
Every function except the accessors takes a configuration hash reference
first; C<{}> means defaults.

=head1 MIGRATING FROM THE XS MODULE

=head2 What stays the same

=over 4

=item *

Function names, the order and meaning of their arguments, and the kind of
each result: PEM strings from builders, blessed C<Crypt::LibSCEP> objects
from C<parse> and C<unwrap>, plain strings from accessors and binary
strings from the two nonce accessors.

=item *

The configuration keys C<handle>, C<passin>, C<passwd>, C<sigalg>,
C<encalg> and C<log>, and the handle rules: a handle created from
C<sigalg>/C<encalg> keeps them, and a call that passes a handle together
with C<sigalg> or C<encalg> changes the handle for that call and the calls
after it.  C<passin> and C<passwd> belong to the call they are given with.

=item *

Values callers compare: transaction IDs of PKCSReq and GetCertInitial are
the uppercase hex SHA-256 of the request's public key; names are one-line
(C</C=DE/O=Example/CN=host>); serials are decimal; certificates, requests
and CRLs are PEM exactly as C<openssl x509>, C<req> and C<crl> print them;
several certificates are concatenated, the issued one first (so
C<get_cert> of a reply built from C<$issued . "\n" . $ca> is
C<$issued . $ca>).

=item *

Keys encrypted with DES, 3DES or AES (traditional C<Proc-Type> PEM or
encrypted PKCS#8), 512-bit RSA keys, SHA-1 and MD5 signatures and expired
certificates all still work.

=back

=head2 What changed

=over 4

=item *

Errors are C<croak>s carrying libscep's whole message (what failed, which
argument, and OpenSSL's reason), reported at the caller's line.  OpenSSL's
error queue is emptied at every call, so one failure never leaks into the
message of the next.  The status code of the last failure of the C<scep>
layer is in C<$scep::last_status>.

=item *

Accessors croak when the message has no such value (C<get_failInfo> of a
SUCCESS reply, C<get_pkcs10> of a message only parsed) instead of
returning a wrong value, an empty string or garbage.
C<get_recipientNonce> of a request still returns C<"">, as before.

=item *

Every reply gets a fresh random senderNonce (the old module copied the
request's), the request's senderNonce goes into the reply's
recipientNonce, every message carries the contentType signed attribute,
and C<create_nextca_reply> includes every certificate of the chain.

=item *

Handles are freed when they go out of scope; C<cleanup> still frees one at
once, and using a handle after C<cleanup> croaks instead of crashing.
Messages may outlive the handle that read them.

=item *

Nothing is logged unless C<log> names a file (the old module logged to a
memory buffer that ended up in error messages).

=item *

Messages to read may also be DER or base64, and the request argument of
the C<create_*_reply> functions may be the object C<parse> or C<unwrap>
returned for it instead of its text.

=item *

C<passin =E<gt> 'env'> reads the variable C<pwd> as before, and the new key
C<passin_env> names another variable.

=item *

C<create_engine> configures a PKCS#11 module directly (through libp11);
the C<so> path of an OpenSSL engine is accepted and no longer needed.

=back

=head1 CONFIGURATION

=over 4

=item handle

A handle from C<create_handle>.  Without one, each call uses a fresh
handle configured from the hash and frees it afterwards.

=item passin

How to get the password of an encrypted private key given to this call:
C<plain> (the key is not encrypted; the default without C<passwd>),
C<pass> (the password is C<passwd>; the default with it) or C<env> (the
password is in the environment variable C<pwd>, or in the one
C<passin_env> names).  With C<plain>, an encrypted key fails with a
message saying that it is encrypted; a wrong password fails with a
message saying that it cannot be decrypted.  As in the old module,
C<pass> without C<passwd> and C<env> with the variable unset are
accepted and act like C<plain>: a key that is not encrypted works, an
encrypted one fails saying that no password was given (or that the
variable is not set).

=item passwd

The password when C<passin> is C<pass>; ignored when C<passin> is
C<plain> or C<env>.

=item passin_env

New: the variable C<passin =E<gt> 'env'> reads instead of C<pwd>.

=item sigalg

The signing digest: C<md5>, C<sha1>, C<sha224>, C<sha256> (the default for
requests), C<sha384> or C<sha512>.  Replies use the request's digest unless
C<sigalg> is given.

=item encalg

The content cipher: C<des>, C<des3>, C<aes128> (the default for
requests), C<aes192>, C<aes256> or an OpenSSL name such as
C<des-ede3-cbc> or C<aes-256-cbc>.  Replies use the request's cipher
unless C<encalg> is given.

=item log

A file to which the handle appends a DEBUG log.  It is read when a handle
is made (by C<create_handle>, or for a call without C<handle>); as before,
it does not change the log of an existing handle.  The log never contains
a password or a key.

=back

    my $conf = { passin => 'pass', passwd => 'secret', sigalg => 'sha256',
                 encalg => 'aes256', log => '/var/log/scep.log' };

A key not named here croaks (a misspelt C<sigAlg> would otherwise leave
the default in force), and so does a value with a NUL byte inside.  An
empty or unknown C<sigalg> or C<encalg> croaks naming the ones accepted,
and a C<log> that cannot be opened for appending (a directory, a missing
folder) croaks too.

=head1 HANDLES

=head2 create_handle

    my $handle = Crypt::LibSCEP::create_handle({ sigalg => 'sha256',
                                                 encalg => 'aes256' });

Makes a handle that keeps C<sigalg>, C<encalg> and C<log> for the calls
given C<{ handle =E<gt> $handle }>.  A handle is used by one thread at a
time.

=head2 cleanup

    Crypt::LibSCEP::cleanup($handle);

Frees the handle now.  Later calls with it croak.

=head2 create_engine

    Crypt::LibSCEP::create_engine({ handle => $handle },
        { label => 'pkcs11', module => '/usr/lib/softhsm/libsofthsm2.so',
          pin => '1234', so => '/path/of/the/old/engine_pkcs11.so' });
    my $pkcsreq = Crypt::LibSCEP::pkcsreq({ handle => $handle }, '01',
                                          $cert, $ca_cert, $csr);

Takes private keys from a PKCS#11 token for every later call with this
handle: a key argument may then be a key id in hex (C<"01ab">) or a
PKCS#11 URI (C<"pkcs11:token=ca;id=%01;type=private">).  C<label> must be
C<pkcs11>; C<module> and C<pin> are required, C<so> is ignored.  New keys:
C<pin_env> (a variable holding the PIN, instead of C<pin>), C<token> (the
token label) and C<slot> (a slot index); without them the first token with
keys is used.

=head1 READING MESSAGES

=head2 parse

    my $parsed = Crypt::LibSCEP::parse($conf, $message);

Reads a message and verifies its signature against the signer certificate
it includes; nothing is decrypted.  Croaks when the signature does not
verify or the message is not SCEP.

=head2 unwrap

    my $unwrapped = Crypt::LibSCEP::unwrap($conf, $message, $sig_cert,
                                           $enc_cert, $enc_key);

Reads, verifies and decrypts.  C<$sig_cert> is the certificate expected to
have signed a reply (the CA's, or one it issued, such as an RA's); for a
request, which is signed by the requester's own certificate, it is used
only when it names the signer, so passing the CA certificate as the old
module's callers did still works.  C<$enc_cert> and C<$enc_key> open the
envelope: the CA's for requests, the requester's for replies.  FAILURE and
PENDING replies are never decrypted.

=head1 ACCESSORS

Each takes an object from C<parse> or C<unwrap> and croaks when the
message does not have the value.

=over 4

=item get_transaction_id

The transactionID as the sender wrote it.

=item get_message_type

C<PKCSReq>, C<RenewalReq>, C<CertRep>, C<GetCertInitial>, C<GetCert> or
C<GetCRL>.

=item get_pkiStatus

C<SUCCESS>, C<FAILURE> or C<PENDING> (replies).

=item get_failInfo

C<badAlg>, C<badMessageCheck>, C<badRequest>, C<badTime> or C<badCertId>
(FAILURE replies).

=item get_senderNonce, get_recipientNonce

The nonces as binary strings (C<unpack 'H*', ...> shows them in hex).
C<get_recipientNonce> of a request is C<"">.

=item get_signer_cert

The signer's certificate, PEM.

=item get_pkcs10

The CSR of an unwrapped PKCSReq, PEM.

=item get_cert

The certificates of an unwrapped SUCCESS reply, PEM, the issued one first.

=item get_crl

The CRL of an unwrapped SUCCESS reply to GetCRL, PEM.

=item get_subject

The subject of a PKCSReq's CSR or of a GetCertInitial, one line.

=item get_issuer

The issuer named by a GetCertInitial, GetCert or GetCRL, one line.

=item get_getcert_serial

The serial named by a GetCert or GetCRL, decimal.

=back

=head1 CREATING REQUESTS

Requests are signed with C<$sig_key> and C<$sig_cert> (a self-signed
certificate of the requester, or an existing one) and encrypted to
C<$enc_cert>, the CA's or RA's encryption certificate.

=head2 pkcsreq

    my $msg = Crypt::LibSCEP::pkcsreq($conf, $sig_key, $sig_cert,
                                      $enc_cert, $req);

=head2 getcertinitial

    my $msg = Crypt::LibSCEP::getcertinitial($conf, $sig_key, $sig_cert,
                                             $enc_cert, $req, $issuer_cert);

Polls for the certificate requested with C<$req>; the transaction ID is
the one C<pkcsreq> gave the same CSR.

=head2 getcert

    my $msg = Crypt::LibSCEP::getcert($conf, $sig_key, $sig_cert,
                                      $enc_cert, $issuer_cert, $serial);

C<$serial> is decimal, or hex with C<0x>.

=head2 getcrl

    my $msg = Crypt::LibSCEP::getcrl($conf, $sig_key, $sig_cert,
                                     $enc_cert, $cert_to_check);

=head1 CREATING REPLIES

Each reply is signed with C<$sig_key> and C<$sig_cert> (the CA's or
RA's).  The first form of each takes the request (its text, or the object
C<parse>/C<unwrap> returned) and reads the transaction ID, the nonce, the
algorithms and the certificate to encrypt to from it; the C<_wop7> form
takes the transaction ID and the request's senderNonce (binary) instead.

=head2 create_pending_reply, create_pending_reply_wop7

    my $reply = Crypt::LibSCEP::create_pending_reply($conf, $sig_key,
                                                     $sig_cert, $pkcsreq);
    my $reply = Crypt::LibSCEP::create_pending_reply_wop7($conf, $sig_key,
        $sig_cert, $transid, $senderNonce);

=head2 create_error_reply, create_error_reply_wop7

    my $reply = Crypt::LibSCEP::create_error_reply($conf, $sig_key,
        $sig_cert, $pkcsreq, 'badRequest');
    my $reply = Crypt::LibSCEP::create_error_reply_wop7($conf, $sig_key,
        $sig_cert, $transid, $senderNonce, 'badRequest');

C<$failInfo> is C<badAlg>, C<badMessageCheck>, C<badRequest>, C<badTime>
or C<badCertId>; anything else croaks.

=head2 create_certificate_reply, create_certificate_reply_wop7

    my $reply = Crypt::LibSCEP::create_certificate_reply($conf, $sig_key,
        $sig_cert, $pkcsreq, $issued_cert_or_chain);
    my $reply = Crypt::LibSCEP::create_certificate_reply_wop7($conf,
        $sig_key, $sig_cert, $transid, $senderNonce, $enc_cert,
        $issued_cert_or_chain);

The issued certificate comes first in C<$issued_cert_or_chain>.  The reply
is encrypted to the request's signer certificate, or to C<$enc_cert> in the
C<_wop7> form.

=head2 create_crl_reply, create_crl_reply_wop7

    my $reply = Crypt::LibSCEP::create_crl_reply($conf, $sig_key,
        $sig_cert, $getcrl, $crl);
    my $reply = Crypt::LibSCEP::create_crl_reply_wop7($conf, $sig_key,
        $sig_cert, $transid, $senderNonce, $enc_cert, $crl);

=head2 create_nextca_reply

    my $reply = Crypt::LibSCEP::create_nextca_reply($conf, $chain,
                                                    $sig_cert, $sig_key);

The signed certificates-only answer to GetNextCACert, holding every
certificate of C<$chain>.  Note the order: the certificate before the key.

=head1 ERRORS

Every failure croaks.  The message is libscep's, for example

    the signer key is encrypted and no password was given

followed by the caller's file and line.  Wrong arguments to this module
(a configuration that is not a hash, an unknown configuration key, a
missing argument, an unknown C<passin>, an argument that is a reference
or holds a NUL byte) croak with a message naming the function.

=head1 SEE ALSO

The C<scep> module (C<scep::Handle>, C<scep::Message>) for the whole
libscep interface, and RFC 8894.

=cut
