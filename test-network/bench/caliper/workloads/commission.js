'use strict';
// Rounds commission-1 and commission-100: Commission of roundArguments.batch new serials
// per transaction by ManufacturerA, of a product each worker registers for the round.
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { MSP, request, ensureMembers, registerProduct, unitCode, productionDate } = require('./lib');

class Commission extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
        await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
        this.batch = roundArguments.batch || 1;
        await ensureMembers(sutAdapter);
        this.gtin = await registerProduct(sutAdapter);
        this.lot = 'C' + this.gtin.slice(7, 12);
        this.date = productionDate();
        this.serial = 0;
    }

    async submitTransaction() {
        const codes = [];
        for (let i = 0; i < this.batch; i++) {
            codes.push(unitCode(this.gtin, 'S' + String(++this.serial).padStart(9, '0')));
        }
        const req = { gtin: this.gtin, batch: this.lot, productionDate: this.date, codes };
        await this.sutAdapter.sendRequests(request(MSP.manufacturer, 'Commission', [JSON.stringify(req)]));
    }
}

module.exports.createWorkloadModule = () => new Commission();
