# Shared helpers of the Tcl tests: the vectors folder, test keys and
# one-line names of certificates (read with the openssl tool, so that the
# expectations do not come from the library under test).
package require json

namespace eval support {
    variable vectors
    if {[info exists ::env(SCEP_VECTORS)]} {
        set vectors $::env(SCEP_VECTORS)
    } else {
        set vectors [file normalize \
            [file join [file dirname [info script]] .. .. tests vectors]]
    }
}

proc support::path {relative} {
    variable vectors
    return [file join $vectors $relative]
}

proc support::read_bytes {relative} {
    set f [open [path $relative] rb]
    set data [read $f]
    close $f
    return $data
}

proc support::read_text {relative} {
    set f [open [path $relative] r]
    set text [read $f]
    close $f
    return $text
}

proc support::manifest {} {
    return [dict get [json::json2dict [read_text manifest.json]] vectors]
}

proc support::pem_blocks {text} {
    # Non-greedy throughout: Tcl takes the greediness of the first
    # quantifier for the whole expression.
    set re {-----BEGIN ([A-Z0-9 ]+?)-----.*?-----END \1-----}
    return [regexp -all -inline -- $re $text]
}

proc support::openssl_name {kind flag pem} {
    set out [exec openssl $kind -noout $flag -nameopt compat << $pem]
    set out [string trim $out]
    return [string range $out [string first = $out]+1 end]
}

proc support::cert_subject {pem} {
    return [openssl_name x509 -subject $pem]
}

# regexp -inline gives each block followed by its captured type.
proc support::cert_subjects {pem} {
    set subjects {}
    foreach {block type} [pem_blocks $pem] {
        lappend subjects [cert_subject $block\n]
    }
    return $subjects
}

proc support::crl_issuer {pem} {
    return [openssl_name crl -issuer $pem]
}

# The error code of a failed script, e.g. {SCEP SCEP_ERR_FORMAT 3}.
proc support::error_code {script} {
    if {![catch {uplevel 1 $script} message options]} {
        return -code error "no error from: $script"
    }
    return [list [dict get $options -errorcode] $message]
}

# A value is binary when Tcl holds it as a byte array.
proc support::is_bytearray {value} {
    return [string match "*bytearray*" \
        [tcl::unsupported::representation $value]]
}

namespace eval support::keys {
    set ca [support::read_text peers/captured/keys/micromdm-ca/ca.pem]
    set ca_key [support::read_text \
        peers/captured/keys/micromdm-ca/ca-key-plain.pem]
    set client_key [support::read_text \
        peers/captured/keys/libscep-client/key1.pem]
    set client_csr [support::read_text \
        peers/captured/keys/libscep-client/csr1.pem]
    set client_cert [support::read_text \
        peers/captured/keys/libscep-client/selfsigned-signer-1.pem]
    set other_key [support::read_text \
        peers/captured/keys/libscep-client/key2.pem]
    set issued [support::read_text \
        peers/captured/keys/micromdm-ca/issued/libscep-client-1.11.pem]
    set ra_sign [support::read_text keys/ra-sign.pem]
    set ra_encrypt [support::read_text keys/ra-encrypt.pem]
    set crl [support::read_text keys/ca.crl]
    set client_key_aes [support::read_text keys/client-aes256.pem]
    set client_key_password correct-horse
}
