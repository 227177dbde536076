# Every vector of tests/vectors/manifest.json, checked through the Ruby
# module.
require 'minitest/autorun'
require 'scep'
require_relative 'support'

class TestVectors < Minitest::Test
  include Support

  VECTORS = Support.manifest

  CAP_FLAGS = {
    'AES' => SCEP::CAP_AES, 'DES3' => SCEP::CAP_DES3,
    'GetNextCACert' => SCEP::CAP_GETNEXTCACERT,
    'POSTPKIOperation' => SCEP::CAP_POSTPKIOPERATION,
    'Renewal' => SCEP::CAP_RENEWAL, 'SHA-1' => SCEP::CAP_SHA1,
    'SHA-256' => SCEP::CAP_SHA256, 'SHA-512' => SCEP::CAP_SHA512,
    'SCEPStandard' => SCEP::CAP_SCEPSTANDARD, 'Update' => SCEP::CAP_UPDATE
  }.freeze

  def test_manifest_has_every_kind
    kinds = VECTORS.map { |v| v['kind'] }.uniq
    assert_empty %w[message encoding ca-certs caps] - kinds
  end

  def check_parse(name, msg, want)
    %w[message_type transaction_id pki_status fail_info digest].each do |f|
      assert_equal want[f], msg.public_send(f), "#{name}: #{f}" if want.key?(f)
    end
    %w[sender_nonce recipient_nonce].each do |which|
      next unless want.key?(which) || want.key?("#{which}_len")

      nonce = msg.public_send(which)
      assert_equal Encoding::BINARY, nonce.encoding
      assert_equal want[which], nonce.unpack1('H*') if want.key?(which)
      assert_equal want["#{which}_len"], nonce.bytesize if want.key?("#{which}_len")
    end
    if want.key?('signer_subject') || want.key?('signer_subject_one_of')
      allowed = want['signer_subject_one_of'] || [want['signer_subject']]
      assert_includes allowed, cert_subject(msg.signer_cert), name
    end
    assert msg.signature_verified?, name
  end

  def check_unwrapped(name, msg, expected)
    assert_equal expected['subject'], msg.subject, name if expected.key?('subject')
    assert_equal expected['issuer'], msg.issuer, name if expected.key?('issuer')
    assert_equal expected['serial'], msg.getcert_serial, name if expected.key?('serial')
    if expected.key?('certificates')
      assert_equal expected['certificates'], cert_subjects(msg.cert), name
    end
    assert_equal expected['crl_issuer'], crl_issuer(msg.crl), name if expected.key?('crl_issuer')
    if expected.key?('challenge_password')
      assert_equal expected['challenge_password'], msg.challenge_password, name
    end
  end

  def check_error(name, handle, vector, data, verify)
    error = vector['error']
    unwrap = vector['unwrap']
    raised = assert_raises(SCEP::Error, name) do
      case error['operation']
      when 'parse' then handle.parse(data, verify)
      when 'unwrap'
        handle.set_key_password(unwrap['password']) if unwrap&.key?('password')
        handle.unwrap(data, verify,
                      unwrap && read_text(unwrap['cert']),
                      unwrap && read_text(unwrap['key']))
      else handle.read_ca_certs(data)
      end
    end
    assert_equal error['status'], raised.status_name, name
    assert_equal SCEP.const_get(error['status'].sub('SCEP_', '')),
                 raised.status, name
    assert_includes raised.message, error['message'], name
    assert_equal handle.last_error, raised.message, name
  end

  def check_message(vector)
    name = vector['name']
    handle = SCEP::Handle.new
    data = read_bytes(vector['file'])
    verify = vector['verify_cert'] && read_text(vector['verify_cert'])
    return check_error(name, handle, vector, data, verify) if vector['error']

    want = vector['parse'] || {}
    check_parse(name, handle.parse(data, verify), want) if vector['parse']
    return unless (unwrap = vector['unwrap'])

    handle.set_key_password(unwrap['password']) if unwrap.key?('password')
    msg = handle.unwrap(data, verify, read_text(unwrap['cert']),
                        read_text(unwrap['key']))
    check_parse(name, msg, want)
    assert_equal want['cipher'], msg.cipher, name if want.key?('cipher')
    check_unwrapped(name, msg, unwrap['expected'] || {})
  end

  def check_encoding(vector)
    decoded = SCEP::Handle.new.decode_input(read_bytes(vector['file']))
    assert_equal Encoding::BINARY, decoded.encoding
    assert_equal read_bytes(vector['decodes_to']), decoded, vector['name']
  end

  def check_ca_certs(vector)
    msg = SCEP::Handle.new.read_ca_certs(read_bytes(vector['file']))
    assert_equal 'CertsOnly', msg.message_type
    assert_equal vector['ca_subject'], cert_subject(msg.ca_cert)
    if vector.key?('ra_signing_subject')
      assert_equal vector['ra_signing_subject'], cert_subject(msg.ra_signing_cert)
    end
    if vector.key?('ra_encryption_subject')
      assert_equal vector['ra_encryption_subject'],
                   cert_subject(msg.ra_encryption_cert)
    end
    assert_equal vector['count'], cert_subjects(msg.cert).size if vector.key?('count')
  end

  def check_caps(vector)
    flags = SCEP::Handle.new.parse_capabilities(read_bytes(vector['file']))
    wanted = vector['capabilities'].map { |k| CAP_FLAGS.fetch(k) }.reduce(0, :|)
    if wanted & SCEP::CAP_SCEPSTANDARD != 0
      wanted |= SCEP::CAP_AES | SCEP::CAP_POSTPKIOPERATION | SCEP::CAP_SHA256
    end
    assert_equal wanted, flags
  end

  # One test method per vector, named after it.
  VECTORS.each do |vector|
    define_method("test_#{vector['kind']}_#{vector['name']}") do
      send("check_#{vector['kind'].tr('-', '_')}", vector)
    end
  end
end
