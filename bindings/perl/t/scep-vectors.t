# The SWIG module over every vector of tests/vectors/manifest.json.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use JSON::PP;
use Test::More;
use SCEPTest;

use scep;

my $manifest = decode_json(slurp(vector_file('manifest.json')));
my @vectors = @{ $manifest->{vectors} };
ok(@vectors > 0, 'the manifest lists vectors');

my %CAPABILITY = (
    'AES'              => $scep::CAP_AES,
    'DES3'             => $scep::CAP_DES3,
    'GetNextCACert'    => $scep::CAP_GETNEXTCACERT,
    'POSTPKIOperation' => $scep::CAP_POSTPKIOPERATION,
    'Renewal'          => $scep::CAP_RENEWAL,
    'SHA-1'            => $scep::CAP_SHA1,
    'SHA-256'          => $scep::CAP_SHA256,
    'SHA-512'          => $scep::CAP_SHA512,
    'SCEPStandard'     => $scep::CAP_SCEPSTANDARD,
    'Update'           => $scep::CAP_UPDATE,
);

sub file_text {
    my ($vector, $key) = @_;

    return defined $vector->{$key} ? slurp(vector_file($vector->{$key}))
                                   : undef;
}

sub check_parse {
    my ($name, $message, $expected) = @_;

    for my $field (qw(message_type transaction_id pki_status fail_info
                      digest cipher)) {
        next unless exists $expected->{$field};
        is($message->$field(), $expected->{$field}, "$name: $field");
    }
    for my $which (qw(sender recipient)) {
        my $method = "${which}_nonce";
        if (exists $expected->{"${which}_nonce"}) {
            is(unpack('H*', $message->$method()),
               $expected->{"${which}_nonce"}, "$name: $method");
        }
        if (exists $expected->{"${which}_nonce_len"}) {
            is(length $message->$method(), $expected->{"${which}_nonce_len"},
               "$name: $method length");
        }
    }
    ok($message->signature_verified(), "$name: signature verified");
    my @signers = $expected->{signer_subject_one_of}
        ? @{ $expected->{signer_subject_one_of} }
        : defined $expected->{signer_subject}
        ? ($expected->{signer_subject}) : ();
    if (@signers) {
        my ($subject) = openssl_subjects($message->signer_cert());
        ok((grep { $_ eq $subject } @signers), "$name: signer $subject");
    }
}

sub check_unwrap {
    my ($name, $message, $expected) = @_;

    is($message->subject(), $expected->{subject}, "$name: subject")
        if exists $expected->{subject};
    is($message->issuer(), $expected->{issuer}, "$name: issuer")
        if exists $expected->{issuer};
    is($message->getcert_serial(), $expected->{serial}, "$name: serial")
        if exists $expected->{serial};
    is_deeply([openssl_subjects($message->cert())],
              $expected->{certificates}, "$name: certificates")
        if exists $expected->{certificates};
    is(openssl_crl_issuer($message->crl()), $expected->{crl_issuer},
       "$name: CRL issuer") if exists $expected->{crl_issuer};
    is($message->challenge_password(), $expected->{challenge_password},
       "$name: challengePassword")
        if exists $expected->{challenge_password};
}

# The operation a vector's error names, run on a fresh handle.
sub run_operation {
    my ($operation, $vector, $data) = @_;
    my $handle = scep::Handle->new();
    my $verify = file_text($vector, 'verify_cert');

    return $handle->parse($data, $verify) if $operation eq 'parse';
    return $handle->read_ca_certs($data) if $operation eq 'ca-certs';
    die "unknown operation $operation" unless $operation eq 'unwrap';
    my $unwrap = $vector->{unwrap} // {};
    $handle->set_key_password($unwrap->{password})
        if defined $unwrap->{password};
    return $handle->unwrap($data, $verify, file_text($unwrap, 'cert'),
                           file_text($unwrap, 'key'));
}

sub check_error {
    my ($name, $vector, $data) = @_;
    my $error = $vector->{error};

    my $result = eval { run_operation($error->{operation}, $vector, $data) };
    ok(!defined $result, "$name: $error->{operation} fails");
    is($scep::last_status_name, $error->{status}, "$name: status");
    like($@, qr/\Q$error->{message}\E/, "$name: message");
}

sub check_message {
    my ($name, $vector, $data) = @_;
    my $verify = file_text($vector, 'verify_cert');

    return check_error($name, $vector, $data) if $vector->{error};
    if ($vector->{parse}) {
        my $parsed = eval { scep::Handle->new()->parse($data, $verify) };
        ok($parsed, "$name: parses") or diag($@);
        check_parse($name, $parsed, $vector->{parse}) if $parsed;
    }
    if (my $unwrap = $vector->{unwrap}) {
        my $message = eval { run_operation('unwrap', $vector, $data) };
        ok($message, "$name: unwraps") or diag($@);
        check_unwrap($name, $message, $unwrap->{expected}) if $message;
    }
}

sub check_ca_certs {
    my ($name, $vector, $data) = @_;
    my $bundle = scep::Handle->new()->read_ca_certs($data);

    is($bundle->message_type(), 'CertsOnly', "$name: CertsOnly");
    my %chosen = (ca_subject            => 'ca_cert',
                  ra_signing_subject    => 'ra_signing_cert',
                  ra_encryption_subject => 'ra_encryption_cert');
    for my $field (sort keys %chosen) {
        next unless exists $vector->{$field};
        my $method = $chosen{$field};
        my ($subject) = openssl_subjects($bundle->$method());
        is($subject, $vector->{$field}, "$name: $field");
    }
    is(scalar(pem_blocks($bundle->cert())), $vector->{count},
       "$name: count") if exists $vector->{count};
}

sub check_caps {
    my ($name, $vector, $data) = @_;
    my $flags = scep::Handle->new()->parse_capabilities($data);

    for my $keyword (@{ $vector->{capabilities} }) {
        my $flag = $CAPABILITY{$keyword};
        ok(defined $flag && ($flags & $flag), "$name: $keyword");
    }
    if (grep { $_ eq 'SCEPStandard' } @{ $vector->{capabilities} }) {
        my $implied = $scep::CAP_AES | $scep::CAP_POSTPKIOPERATION
                    | $scep::CAP_SHA256;
        is($flags & $implied, $implied, "$name: SCEPStandard implies");
    }
}

my %CHECK = (
    'message'  => \&check_message,
    'ca-certs' => \&check_ca_certs,
    'caps'     => \&check_caps,
    'encoding' => sub {
        my ($name, $vector, $data) = @_;
        my $der = scep::Handle->new()->decode_input($data);
        ok($der eq file_text($vector, 'decodes_to'),
           "$name: decodes to $vector->{decodes_to}");
    },
);

for my $vector (@vectors) {
    my $name = $vector->{name};
    my $check = $CHECK{ $vector->{kind} };

    ok($check, "$name: kind $vector->{kind} is known") or next;
    my $data = file_text($vector, 'file');
    eval { $check->($name, $vector, $data); 1 }
        or fail("$name: $@");
}

done_testing();
