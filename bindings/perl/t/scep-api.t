# Every method of scep::Handle and scep::Message, and the error of every
# status the library can be made to report.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use File::Temp qw(tempdir);
use Test::More;
use SCEPTest;

use scep;

my $client = client();
my $ca = ca();
my $crl = slurp(data_file('ca-crl.pem'));
my $h = scep::Handle->new();

like(scep::version(), qr/^\d+\.\d+\.\d+$/, 'version');
is(scep::status_name($scep::ERR_VERIFY), 'SCEP_ERR_VERIFY', 'status_name');

# ---- Configuration ----------------------------------------------------

is($h->get_sigalg(), undef, 'no digest configured');
$h->set_sigalg('sha512');
is($h->get_sigalg(), 'sha512', 'set_sigalg');
$h->set_sigalg();
is($h->get_sigalg(), undef, 'set_sigalg() restores the default');
$h->set_encalg('des3');
is($h->get_encalg(), 'des3', 'set_encalg');
$h->set_encalg(undef);
is($h->get_encalg(), undef, 'set_encalg(undef) restores the default');

my $dir = tempdir(CLEANUP => 1);
my $log = "$dir/scep.log";
$h->set_log_file($log);
$h->set_log_level($scep::LOG_DEBUG);

# ---- Requests ---------------------------------------------------------

my $txid = spki_transaction_id($client->{csr});
my $pkcsreq = $h->pkcsreq($client->{key}, $client->{cert}, $ca->{cert},
                          $client->{csr});
like($pkcsreq, qr/\A-----BEGIN PKCS7-----\n/, 'pkcsreq gives PEM text');
ok(-s $log, 'set_log_file and set_log_level: the handle logs');
$h->set_log_file(undef);
$h->set_log_level($scep::LOG_NONE);

my $parsed = $h->parse($pkcsreq, undef);
isa_ok($parsed, 'scep::Message');
is($parsed->message_type(), 'PKCSReq', 'message_type');
is($parsed->transaction_id(), $txid, 'transaction_id is SHA-256 of SPKI');
is(length $parsed->sender_nonce(), 16, 'sender_nonce is 16 bytes');
is($parsed->digest(), 'sha256', 'digest defaults to SHA-256');
is($parsed->cipher(), 'aes-128-cbc', 'cipher defaults to AES-128');
ok($parsed->signature_verified(), 'signature_verified');
is($parsed->signer_cert(), $client->{cert}, 'signer_cert as openssl prints');

my $unwrapped = $h->unwrap($pkcsreq, undef, $ca->{cert}, $ca->{key});
is($unwrapped->pkcs10(), $client->{csr}, 'pkcs10 as openssl prints it');
is($unwrapped->subject(), '/C=DE/O=libscep-test/CN=libscep-client-1',
   'subject');

my $renewal = $h->parse($h->renewalreq($client->{key}, $client->{issued},
                                       $ca->{cert}, $client->{csr}), undef);
is($renewal->message_type(), 'RenewalReq', 'renewalreq');

my $poll = $h->unwrap($h->getcertinitial($client->{key}, $client->{cert},
                                         $ca->{cert}, $client->{csr},
                                         $ca->{cert}),
                      undef, $ca->{cert}, $ca->{key});
is($poll->message_type(), 'GetCertInitial', 'getcertinitial');
is($poll->transaction_id(), $txid, 'getcertinitial keeps the transaction');
is($poll->issuer(), '/C=US/O=scep-ca/OU=SCEP CA', 'issuer');

my $getcert = $h->getcert($client->{key}, $client->{cert}, $ca->{cert},
                          $ca->{cert}, '0x0B');
my $getcert_in = $h->unwrap($getcert, undef, $ca->{cert}, $ca->{key});
is($getcert_in->message_type(), 'GetCert', 'getcert');
is($getcert_in->getcert_serial(), '11', 'getcert_serial is decimal');

my $getcrl = $h->getcrl($client->{key}, $client->{cert}, $ca->{cert},
                        $client->{issued});
my $getcrl_in = $h->unwrap($getcrl, undef, $ca->{cert}, $ca->{key});
is($getcrl_in->message_type(), 'GetCRL', 'getcrl');
is($getcrl_in->getcert_serial(), '11', 'getcrl names the serial');

# ---- Replies ----------------------------------------------------------

my $nonce = $parsed->sender_nonce();
my @replies = (
    [pending => $h->create_pending_reply($ca->{key}, $ca->{cert}, $pkcsreq)],
    [pending_wop7 => $h->create_pending_reply_wop7($ca->{key}, $ca->{cert},
                                                   $txid, $nonce)],
    [error => $h->create_error_reply($ca->{key}, $ca->{cert}, $pkcsreq,
                                     'badRequest')],
    [error_wop7 => $h->create_error_reply_wop7($ca->{key}, $ca->{cert},
                                               $txid, $nonce, 'badRequest')],
);
for my $reply (@replies) {
    my ($name, $text) = @$reply;
    my $m = $h->parse($text, $ca->{cert});
    is($m->recipient_nonce(), $nonce, "$name: recipient_nonce echoes");
    isnt($m->sender_nonce(), $nonce, "$name: fresh sender_nonce");
    is($m->transaction_id(), $txid, "$name: transaction_id");
    is($m->pki_status(), $name =~ /pending/ ? 'PENDING' : 'FAILURE',
       "$name: pki_status");
    is($m->fail_info(), 'badRequest', "$name: fail_info")
        if $name =~ /error/;
}

my $chain = $client->{issued} . $ca->{cert};
for my $reply (
    [certificate => $h->create_certificate_reply($ca->{key}, $ca->{cert},
                                                 $pkcsreq, $chain)],
    [certificate_wop7 => $h->create_certificate_reply_wop7(
        $ca->{key}, $ca->{cert}, $txid, $nonce, $client->{cert}, $chain)]) {
    my ($name, $text) = @$reply;
    my $m = $h->unwrap($text, $ca->{cert}, $client->{cert}, $client->{key});
    is($m->pki_status(), 'SUCCESS', "$name: SUCCESS");
    is($m->cert(), $chain, "$name: cert, the issued one first");
}
for my $reply (
    [crl => $h->create_crl_reply($ca->{key}, $ca->{cert}, $getcrl, $crl)],
    [crl_wop7 => $h->create_crl_reply_wop7($ca->{key}, $ca->{cert}, $txid,
                                           $nonce, $client->{cert}, $crl)]) {
    my ($name, $text) = @$reply;
    my $m = $h->unwrap($text, $ca->{cert}, $client->{cert}, $client->{key});
    is($m->crl(), $crl, "$name: crl as openssl prints it");
}

my $bundle = $h->read_ca_certs(
    $h->create_certs_only($ca->{cert} . $client->{issued}, undef, undef));
is($bundle->message_type(), 'CertsOnly', 'create_certs_only');
is($bundle->ca_cert(), $ca->{cert}, 'ca_cert chosen by key usage');
my $next = $h->read_ca_certs(
    $h->create_nextca_reply($chain, $ca->{cert}, $ca->{key}));
is($next->cert(), $chain, 'create_nextca_reply holds the whole chain');
for my $method (qw(ra_signing_cert ra_encryption_cert)) {
    my $value = eval { $bundle->$method() };
    ok(defined $value || $scep::last_status == $scep::ERR_STATE,
       "$method answers or names what is missing");
}

# ---- Formats and helpers ------------------------------------------------

$h->set_output_format($scep::FORMAT_DER);
my $der = $h->pkcsreq($client->{key}, $client->{cert}, $ca->{cert},
                      $client->{csr});
is(substr($der, 0, 1), "\x30", 'FORMAT_DER gives DER bytes');
is($h->decode_input($der), $der, 'decode_input keeps DER');
$h->set_output_format($scep::FORMAT_PEM);
is($h->decode_input($pkcsreq), $h->decode_input($h->decode_input($pkcsreq)),
   'decode_input of PEM gives DER');
is($h->parse_capabilities("AES\r\nSHA-512\n"),
   $scep::CAP_AES | $scep::CAP_SHA512, 'parse_capabilities');
my $challenge = $h->unwrap(
    $h->pkcsreq(slurp(data_file('legacy-key.pem')),
                slurp(data_file('legacy-cert.pem')), $ca->{cert},
                slurp(data_file('legacy-csr.pem'))),
    undef, $ca->{cert}, $ca->{key});
is($challenge->challenge_password(), 'legacy-challenge',
   'challenge_password');

# ---- Errors: one of every status the library can be made to report -----

sub fails_with {
    my ($status, $pattern, $name, $code) = @_;

    my $ok = eval { $code->(); 1 };
    my $error = $@;

    ok(!$ok, "$name croaks");
    is($scep::last_status_name, $status, "$name: $status");
    is(scep::status_name($scep::last_status), $status,
       "$name: \$scep::last_status");
    like($error, $pattern, "$name: message");
}

my $e = $h->create_error_reply($ca->{key}, $ca->{cert}, $pkcsreq, 'badAlg');
fails_with('SCEP_ERR_ARGUMENT', qr/no signer key given/, 'missing key',
    sub { $h->pkcsreq(undef, $client->{cert}, $ca->{cert}, $client->{csr}) });
fails_with('SCEP_ERR_FORMAT', qr/not a SCEP message/, 'garbage',
    sub { $h->parse('garbage', undef) });
fails_with('SCEP_ERR_KEY', qr/signer key is not a readable private key/,
    'bad key', sub { $h->pkcsreq('junk', undef, $ca->{cert},
                                 $client->{csr}) });
fails_with('SCEP_ERR_CERT', qr/encryption certificate/, 'bad certificate',
    sub { $h->pkcsreq($client->{key}, undef, 'junk', $client->{csr}) });
fails_with('SCEP_ERR_ALGORITHM', qr/unknown signing digest "md4"/,
    'unknown digest', sub { $h->set_sigalg('md4') });
fails_with('SCEP_ERR_ATTRIBUTE', qr/messageType attribute missing/,
    'certs-only is no pkiMessage',
    sub { $h->parse($h->create_nextca_reply($ca->{cert}, $ca->{cert},
                                            $ca->{key}), undef) });
fails_with('SCEP_ERR_VERIFY', qr/not signed by the certificate given/,
    'reply from another signer', sub { $h->parse($e, $client->{cert}) });
fails_with('SCEP_ERR_DECRYPT', qr/no recipient matches/, 'wrong recipient',
    sub { $h->unwrap($pkcsreq, undef, $client->{cert}, $client->{key}) });
fails_with('SCEP_ERR_STATE', qr/no pkiStatus/, 'request has no status',
    sub { $parsed->pki_status() });
fails_with('SCEP_ERR_LIMIT', qr/more than the limit/, 'oversized',
    sub { $h->parse('0' x ($scep::MAX_MESSAGE_SIZE + 1), undef) });
fails_with('SCEP_ERR_IO', qr{cannot open log file /nonexistent/}, 'log',
    sub { $h->set_log_file('/nonexistent/dir/scep.log') });
fails_with('SCEP_ERR_PKCS11', qr/PKCS#11 module/, 'missing module',
    sub { $h->set_pkcs11('/nonexistent/module.so', '1234') });
fails_with('SCEP_ERR_ARGUMENT', qr/neither PEM \(0\) nor DER/,
    'output format', sub { $h->set_output_format(7) });

is($h->last_status(), $scep::ERR_ARGUMENT, 'last_status of the handle');
like($h->last_error(), qr/output format 7/, 'last_error of the handle');
$h->set_sigalg('sha256');
is($h->last_error(), '', 'a good call clears the error');

# ---- Lifetime -----------------------------------------------------------

my $survivor = do {
    my $short = scep::Handle->new();
    $short->parse($pkcsreq, undef);
};
is($survivor->message_type(), 'PKCSReq', 'a message outlives its handle');

done_testing();
