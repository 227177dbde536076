# Every vector of tests/vectors/manifest.json, checked through the Tcl
# package.
package require tcltest
package require scep
source [file join [file dirname [info script]] support.tcl]
namespace import tcltest::test

set cap_flags [dict create \
    AES $scep::CAP_AES DES3 $scep::CAP_DES3 \
    GetNextCACert $scep::CAP_GETNEXTCACERT \
    POSTPKIOperation $scep::CAP_POSTPKIOPERATION \
    Renewal $scep::CAP_RENEWAL SHA-1 $scep::CAP_SHA1 \
    SHA-256 $scep::CAP_SHA256 SHA-512 $scep::CAP_SHA512 \
    SCEPStandard $scep::CAP_SCEPSTANDARD Update $scep::CAP_UPDATE]

# Each check returns a list of mismatches; a test passes with none.
proc expect {problems_var what want got} {
    upvar 1 $problems_var problems
    if {$want ne $got} {
        lappend problems "$what: want {$want}, got {$got}"
    }
}

proc check_parse {msg want} {
    set problems {}
    foreach field {message_type transaction_id pki_status fail_info digest} {
        if {[dict exists $want $field]} {
            expect problems $field [dict get $want $field] [$msg $field]
        }
    }
    foreach which {sender_nonce recipient_nonce} {
        if {![dict exists $want $which] &&
            ![dict exists $want ${which}_len]} {
            continue
        }
        set nonce [$msg $which]
        expect problems "$which is bytes" 1 [support::is_bytearray $nonce]
        binary scan $nonce H* hex
        if {[dict exists $want $which]} {
            expect problems $which [dict get $want $which] $hex
        }
        if {[dict exists $want ${which}_len]} {
            expect problems ${which}_len [dict get $want ${which}_len] \
                [string length $nonce]
        }
    }
    set allowed {}
    if {[dict exists $want signer_subject]} {
        set allowed [list [dict get $want signer_subject]]
    }
    if {[dict exists $want signer_subject_one_of]} {
        set allowed [dict get $want signer_subject_one_of]
    }
    if {[llength $allowed]} {
        set signer [support::cert_subject [$msg signer_cert]]
        if {$signer ni $allowed} {
            lappend problems "signer $signer not in {$allowed}"
        }
    }
    expect problems signature_verified 1 [$msg signature_verified]
    return $problems
}

proc check_unwrapped {msg expected} {
    set problems {}
    foreach {field getter} {subject subject issuer issuer
                            serial getcert_serial
                            challenge_password challenge_password} {
        if {[dict exists $expected $field]} {
            expect problems $field [dict get $expected $field] [$msg $getter]
        }
    }
    if {[dict exists $expected certificates]} {
        expect problems certificates [dict get $expected certificates] \
            [support::cert_subjects [$msg cert]]
    }
    if {[dict exists $expected crl_issuer]} {
        expect problems crl_issuer [dict get $expected crl_issuer] \
            [support::crl_issuer [$msg crl]]
    }
    return $problems
}

proc check_error {handle vector data verify} {
    set error [dict get $vector error]
    set operation [dict get $error operation]
    set cert ""
    set key ""
    if {[dict exists $vector unwrap]} {
        set unwrap [dict get $vector unwrap]
        set cert [support::read_text [dict get $unwrap cert]]
        set key [support::read_text [dict get $unwrap key]]
        if {[dict exists $unwrap password]} {
            $handle set_key_password [dict get $unwrap password]
        }
    }
    switch $operation {
        parse {set script [list $handle parse $data $verify]}
        unwrap {set script [list $handle unwrap $data $verify $cert $key]}
        default {set script [list $handle read_ca_certs $data]}
    }
    if {![catch $script message options]} {
        return [list "no error from $operation"]
    }
    set problems {}
    set status [dict get $error status]
    set code [string map {SCEP_ ""} $status]
    expect problems errorCode \
        [list SCEP $status [set scep::$code]] [dict get $options -errorcode]
    if {[string first [dict get $error message] $message] < 0} {
        lappend problems "message {$message} lacks {[dict get $error message]}"
    }
    expect problems last_error [$handle last_error] $message
    return $problems
}

proc check_message {vector} {
    set handle [scep::Handle]
    set data [support::read_bytes [dict get $vector file]]
    set verify ""
    if {[dict exists $vector verify_cert]} {
        set verify [support::read_text [dict get $vector verify_cert]]
    }
    if {[dict exists $vector error]} {
        set problems [check_error $handle $vector $data $verify]
        rename $handle {}
        return $problems
    }

    set problems {}
    set want {}
    if {[dict exists $vector parse]} {
        set want [dict get $vector parse]
        set msg [$handle parse $data $verify]
        lappend problems {*}[check_parse $msg $want]
        rename $msg {}
    }
    if {[dict exists $vector unwrap]} {
        set unwrap [dict get $vector unwrap]
        if {[dict exists $unwrap password]} {
            $handle set_key_password [dict get $unwrap password]
        }
        set msg [$handle unwrap $data $verify \
            [support::read_text [dict get $unwrap cert]] \
            [support::read_text [dict get $unwrap key]]]
        lappend problems {*}[check_parse $msg $want]
        if {[dict exists $want cipher]} {
            expect problems cipher [dict get $want cipher] [$msg cipher]
        }
        set expected {}
        if {[dict exists $unwrap expected]} {
            set expected [dict get $unwrap expected]
        }
        lappend problems {*}[check_unwrapped $msg $expected]
        rename $msg {}
    }
    rename $handle {}
    return $problems
}

proc check_encoding {vector} {
    set handle [scep::Handle]
    set decoded [$handle decode_input \
        [support::read_bytes [dict get $vector file]]]
    rename $handle {}
    set problems {}
    expect problems bytearray 1 [support::is_bytearray $decoded]
    expect problems decoded \
        [support::read_bytes [dict get $vector decodes_to]] $decoded
    return $problems
}

proc check_ca-certs {vector} {
    set handle [scep::Handle]
    set msg [$handle read_ca_certs \
        [support::read_bytes [dict get $vector file]]]
    set problems {}
    expect problems type CertsOnly [$msg message_type]
    expect problems ca [dict get $vector ca_subject] \
        [support::cert_subject [$msg ca_cert]]
    foreach {field getter} {ra_signing_subject ra_signing_cert
                            ra_encryption_subject ra_encryption_cert} {
        if {[dict exists $vector $field]} {
            expect problems $field [dict get $vector $field] \
                [support::cert_subject [$msg $getter]]
        }
    }
    if {[dict exists $vector count]} {
        expect problems count [dict get $vector count] \
            [llength [support::cert_subjects [$msg cert]]]
    }
    rename $msg {}
    rename $handle {}
    return $problems
}

proc check_caps {vector} {
    global cap_flags
    set handle [scep::Handle]
    set flags [$handle parse_capabilities \
        [support::read_bytes [dict get $vector file]]]
    rename $handle {}
    set wanted 0
    foreach keyword [dict get $vector capabilities] {
        set wanted [expr {$wanted | [dict get $cap_flags $keyword]}]
    }
    if {$wanted & $scep::CAP_SCEPSTANDARD} {
        set wanted [expr {$wanted | $scep::CAP_AES |
                          $scep::CAP_POSTPKIOPERATION | $scep::CAP_SHA256}]
    }
    set problems {}
    expect problems flags $wanted $flags
    return $problems
}

set kinds {}
foreach vector [support::manifest] {
    set kind [dict get $vector kind]
    dict incr kinds $kind
    test vector-[dict get $vector name] "$kind vector" \
        -body [list check_$kind $vector] -result {}
}

test manifest-kinds "the manifest has every kind" -body {
    lsort [dict keys $kinds]
} -result {ca-certs caps encoding message}

set failed $tcltest::numTests(Failed)
tcltest::cleanupTests
exit [expr {$failed > 0}]
