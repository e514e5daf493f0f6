'use strict';
// Shared helpers of the tracechain Caliper workloads: identities, check characters and the
// master data a round needs (members registered by the Regulator, a product of ManufacturerA
// with a GTIN no earlier round used).

const CONTRACT = 'tracechain';
const BENCH_CONTRACT = 'tracebench'; // the baseline chaincode, deployed by the test network only
const MSP = {
    manufacturer: 'ManufacturerAMSP',
    distributor: 'DistributorMSP',
    retailer: 'RetailerMSP',
    regulator: 'RegulatorMSP',
};
const COMPANY_PREFIX = '6929871'; // the same GS1 prefix tracebench uses
const LICENCE = 'XK06-014-98765';

// GB 32100 check character of the first 17 characters of a USCC.
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function uscc(first17) {
    let sum = 0;
    let w = 1;
    for (const c of first17) {
        const v = USCC_ALPHABET.indexOf(c);
        if (v < 0) {
            throw new Error(`USCC character ${c} is not allowed`);
        }
        sum += v * w;
        w = (w * 3) % 31;
    }
    return first17 + USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

// GS1 mod-10 check digit of a string of digits.
function checkDigit(digits) {
    let sum = 0;
    let w = 3;
    for (let i = digits.length - 1; i >= 0; i--) {
        sum += Number(digits[i]) * w;
        w = 4 - w;
    }
    return String((10 - (sum % 10)) % 10);
}

function gtin13(itemRef) {
    const body = COMPANY_PREFIX + String(itemRef).padStart(5, '0');
    return body + checkDigit(body);
}

// Canonical code of a serialised unit: GS1 Digital Link of GTIN-14 and serial.
function unitCode(gtin13, serial) {
    return `https://id.gs1.org/01/0${gtin13}/21/${serial}`;
}

// request builds a Caliper Fabric request as the org's User1.
function request(msp, fn, args, extra = {}) {
    return Object.assign({
        contractId: CONTRACT,
        contractFunction: fn,
        contractArguments: args,
        invokerIdentity: 'User1',
        invokerMspId: msp,
        readOnly: false,
    }, extra);
}

// callAsAdmin is call through the organisation's administrator identity, which privileged
// functions (registering members) require.
async function callAsAdmin(sut, msp, fn, args) {
    const status = await sut.sendRequests(request(msp, fn, args, { invokerIdentity: 'Admin' }));
    if (status.GetStatus() !== 'success') {
        throw new Error(`${fn} as ${msp}'s administrator failed (see the connector's log above)`);
    }
}

// call sends one request during setup and returns its result as a string, or throws. (The
// connector logs the cause of a failure; its TxStatus carries only "failed".)
async function call(sut, msp, fn, args, readOnly = false) {
    const status = await sut.sendRequests(request(msp, fn, args, { readOnly }));
    if (status.GetStatus() !== 'success') {
        throw new Error(`${fn} as ${msp} failed (see the connector's log above)`);
    }
    const res = status.GetResult();
    return res === undefined || res === null ? '' : Buffer.from(res).toString('utf8');
}

// ensureMembers registers the members the workloads need, unless already registered.
async function ensureMembers(sut) {
    const members = [
        { mspId: MSP.manufacturer, role: 'manufacturer', name: 'Bench Cable Works Co., Ltd.', code: 'BENCH0M01',
            companyPrefixes: [COMPANY_PREFIX], productionLicences: [LICENCE] },
        { mspId: MSP.distributor, role: 'distributor', name: 'Bench Logistics Co., Ltd.', code: 'BENCH0D01' },
        { mspId: MSP.retailer, role: 'retailer', name: 'Bench Hardware Store', code: 'BENCH0R01' },
    ];
    for (const m of members) {
        let existing = null;
        try {
            existing = JSON.parse(await call(sut, MSP.regulator, 'GetMember', [m.mspId], true));
        } catch (e) {
            // not registered yet
        }
        const req = { mspId: m.mspId, role: m.role, name: m.name, uscc: uscc('91110000' + m.code) };
        if (m.companyPrefixes) {
            req.companyPrefixes = m.companyPrefixes;
            req.productionLicences = m.productionLicences;
        }
        if (!existing) {
            try {
                await callAsAdmin(sut, MSP.regulator, 'RegisterMember', [JSON.stringify(req)]);
            } catch (e) {
                // another worker may have registered it meanwhile
            }
            continue;
        }
        if (m.companyPrefixes) {
            const prefixes = existing.companyPrefixes || [];
            const licences = existing.productionLicences || [];
            if (!prefixes.includes(COMPANY_PREFIX) || !licences.includes(LICENCE)) {
                const upd = Object.assign({}, existing, {
                    companyPrefixes: prefixes.includes(COMPANY_PREFIX) ? prefixes : prefixes.concat(COMPANY_PREFIX),
                    productionLicences: licences.includes(LICENCE) ? licences : licences.concat(LICENCE),
                });
                for (const k of ['registeredAt', 'updatedAt', 'txId']) {
                    delete upd[k];
                }
                await callAsAdmin(sut, MSP.regulator, 'UpdateMember', [JSON.stringify(upd)]);
            }
        }
    }
}

// registerProduct registers a product of ManufacturerA under a GTIN no one used yet: a
// random item reference, another one when that GTIN is taken.
async function registerProduct(sut) {
    for (let i = 0; i < 10; i++) {
        const gtin = gtin13(Math.floor(Math.random() * 100000));
        try {
            await call(sut, MSP.manufacturer, 'RegisterProduct', [JSON.stringify({
                gtin, name: 'Bench PVC insulated cable BV 2.5 mm2', type: 'electric wire and cable',
                licence: LICENCE, warrantyMonths: 24,
            })]);
            return gtin;
        } catch (e) {
            // taken, most likely: try another item reference
        }
    }
    throw new Error('could not register a product in 10 tries: are the members registered (see the log)?');
}

function productionDate() {
    return new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);
}

module.exports = {
    CONTRACT, BENCH_CONTRACT, MSP, uscc, checkDigit, gtin13, unitCode, request, call, ensureMembers, registerProduct, productionDate,
};
