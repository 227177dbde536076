package SCEPTest;

# What the Perl tests share: where the vectors and test keys are, reading
# files, and asking the openssl command what a certificate, CRL or request
# says, so that expectations never come from the code under test.

use strict;
use warnings;

use Exporter 'import';
use File::Basename qw(dirname);
use File::Spec;
use File::Temp qw(tempfile);
use Digest::SHA qw(sha256_hex);

our @EXPORT = qw(vectors_dir vector_file data_file slurp client ca
                 openssl openssl_subjects openssl_crl_issuer
                 pem_blocks spki_transaction_id);

my $here = File::Spec->rel2abs(dirname(__FILE__));

sub vectors_dir {
    return $ENV{SCEP_VECTORS}
        // File::Spec->catdir($here, qw(.. .. .. .. tests vectors));
}

sub vector_file { return File::Spec->catfile(vectors_dir(), @_) }

sub data_file { return File::Spec->catfile($here, '..', 'data', @_) }

sub slurp {
    my ($path) = @_;

    open my $in, '<:raw', $path or die "cannot read $path: $!\n";
    local $/;
    return scalar <$in>;
}

my $keys = 'peers/captured/keys';

# The requester of the round trips: a key, its self-signed certificate and
# a CSR for the same key.
sub client {
    return {
        key  => slurp(vector_file("$keys/libscep-client/key1.pem")),
        cert => slurp(vector_file(
                    "$keys/libscep-client/selfsigned-signer-1.pem")),
        csr  => slurp(vector_file("$keys/libscep-client/csr1.pem")),
        issued => slurp(vector_file(
                    "$keys/micromdm-ca/issued/libscep-client-1.11.pem")),
    };
}

sub ca {
    return {
        cert => slurp(vector_file("$keys/micromdm-ca/ca.pem")),
        key  => slurp(vector_file("$keys/micromdm-ca/ca-key-plain.pem")),
    };
}

# Runs openssl with $input on stdin; dies when it fails.
sub openssl {
    my ($input, @args) = @_;
    my ($fh, $file) = tempfile(UNLINK => 1);

    binmode $fh;
    print {$fh} $input;
    close $fh;
    my $output = qx{openssl @args -in '$file' 2>&1};
    die "openssl @args failed ($?): $output" if $?;
    return $output;
}

sub pem_blocks {
    my ($text) = @_;
    my @blocks;

    push @blocks, $1
        while $text =~ /(-----BEGIN ([A-Z0-9 ]+)-----\n.*?-----END \2-----\n?)/gs;
    return @blocks;
}

# The one-line subjects of the certificates in a PEM text, in order.
sub openssl_subjects {
    my ($pem) = @_;

    return map {
        my $line = openssl($_, qw(x509 -noout -subject -nameopt compat));
        $line =~ s/^subject=//;
        $line =~ s/\s+\z//;
        $line;
    } pem_blocks($pem);
}

sub openssl_crl_issuer {
    my ($pem) = @_;
    my $line = openssl($pem, qw(crl -noout -issuer -nameopt compat));

    $line =~ s/^issuer=//;
    $line =~ s/\s+\z//;
    return $line;
}

# The transactionID the library promises for a CSR: uppercase hex SHA-256
# of the DER SubjectPublicKeyInfo, computed here with openssl.
sub spki_transaction_id {
    my ($csr) = @_;
    my $public = openssl($csr, qw(req -noout -pubkey));
    my $der = openssl($public, qw(pkey -pubin -outform DER));

    return uc sha256_hex($der);
}

1;
